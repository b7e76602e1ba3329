// "Act as a user" in the request editor: Anonymous by default, an identity when chosen, sent with
// the request for the host to sign; "Copy token" asks the host; the notice names the dev issuer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACT_AS_NOTICE, type ActAsIdentity } from "../../webview/protocol/core";
import type { PanelState } from "../../webview/protocol/response";
import { isEditableRequest } from "../../webview/response/saved-state";
import { request, withPanel, type PanelFixture } from "./webview-fixture";

const identity: ActAsIdentity = { enabled: true, subject: "user_1", name: "Ada", email: "ada@example.com", claims: '{"role":"admin"}' };

function errorState(overrides: Partial<PanelState["request"]> = {}): PanelState {
  return {
    kind: "error",
    request: request(overrides),
    target: "Local runtime — http://127.0.0.1:3311",
    message: "The runtime is stopped.",
  };
}

function choose(panel: PanelFixture, value: "anonymous" | "user") {
  const mode = panel.get("#act-as-mode") as HTMLElement & { value: string };
  mode.value = value;
  mode.dispatchEvent(new panel.window.Event("change", { bubbles: true }) as unknown as Event);
}

test("anonymous by default; choosing a user shows the identity fields and the dev-issuer notice", () =>
  withPanel((panel) => {
    panel.show(errorState());
    assert.equal((panel.get("#act-as-mode") as HTMLElement & { value: string }).value, "anonymous");
    assert.equal(panel.get("#act-as-fields").hidden, true);
    choose(panel, "user");
    assert.equal(panel.get("#act-as-fields").hidden, false);
    assert.match(panel.get("#act-as-notice").textContent ?? "", new RegExp(`^${ACT_AS_NOTICE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    for (const id of ["#act-as-subject", "#act-as-name", "#act-as-email", "#act-as-claims", "#act-as-copy"]) assert.ok(panel.find(id), id);
  }));

test("the identity goes to the host with the request; the host signs it", () =>
  withPanel(async (panel) => {
    panel.show(errorState());
    choose(panel, "user");
    panel.type("#act-as-subject", "user_1");
    panel.type("#act-as-name", "Ada");
    panel.type("#act-as-email", "ada@example.com");
    panel.type("#act-as-claims", '{"role":"admin"}');
    panel.click("#send");
    const [sent] = panel.sent<{ request: { actAs?: ActAsIdentity; headers: unknown[] } }>("send");
    assert.deepEqual(sent!.request.actAs, identity);
    assert.deepEqual(sent!.request.headers, [{ name: "Content-Type", value: "application/json" }], "no token is made in the webview");
  }));

test("Copy token asks the host to sign and copy; switching back to Anonymous keeps the identity", () =>
  withPanel((panel) => {
    panel.show(errorState({ actAs: identity }));
    assert.equal(panel.get("#act-as-fields").hidden, false);
    assert.equal((panel.get("#act-as-subject") as HTMLElement & { value: string }).value, "user_1");
    panel.click("#act-as-copy");
    assert.deepEqual(
      panel.sent("signDevToken").map(({ id: _id, ...rest }) => rest),
      [{ type: "signDevToken", actAs: identity, copy: true }],
    );
    choose(panel, "anonymous");
    panel.click("#send");
    const [sent] = panel.sent<{ request: { actAs?: ActAsIdentity } }>("send");
    assert.deepEqual(sent!.request.actAs, { ...identity, enabled: false });
  }));

test("the draft with its identity survives a hide/show (saved state), and a malformed identity is refused", () => {
  assert.equal(isEditableRequest(request({ actAs: identity })), true);
  assert.equal(isEditableRequest({ ...request(), actAs: { enabled: "yes" } }), false);
  return withPanel((panel) => {
    panel.show(errorState());
    choose(panel, "user");
    panel.type("#act-as-subject", "someone");
    const saved = panel.api.state as { draft: { actAs?: ActAsIdentity } };
    assert.deepEqual(saved.draft.actAs, { enabled: true, subject: "someone", name: "", email: "", claims: "" });
  });
});

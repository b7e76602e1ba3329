// "Act as a user" in the functions panel's runner: with a user chosen, Run first asks the host for
// a dev token, then runs the function with it as the Authorization; a typed token conflicts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACT_AS_NOTICE } from "../../webview/protocol/core";
import { readyState, runResult, withFunctionsPanel, type FunctionsFixture } from "./functions-fixture";

function choose(panel: FunctionsFixture, value: "anonymous" | "user") {
  const mode = panel.get("#run-act-as-mode") as HTMLElement & { value: string };
  mode.value = value;
  mode.dispatchEvent(new panel.window.Event("change", { bubbles: true }) as unknown as Event);
}

const signRequests = (panel: FunctionsFixture) =>
  panel.api.posted.filter((m) => (m as { type?: unknown }).type === "signDevToken") as Array<{
    id: number;
    actAs: Record<string, unknown>;
  }>;

test("the runner offers Act as a user; Run signs a dev token and runs with it", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.click('[data-function="tasks:add"] .function-select');
      assert.equal(panel.get("#run-act-as-fields").hidden, true, "anonymous by default");
      choose(panel, "user");
      assert.equal(panel.text("#run-act-as-notice")?.startsWith(ACT_AS_NOTICE), true);
      panel.type("#run-act-as-subject", "user_9");
      panel.type("#run-act-as-claims", '{"role":"admin"}');
      panel.type("#args", '{"title":"x"}');
      panel.click("#run");
      const [sign] = signRequests(panel);
      assert.deepEqual(sign!.actAs, { enabled: true, subject: "user_9", name: "", email: "", claims: '{"role":"admin"}' });
      assert.deepEqual(panel.sent("runFunction"), [], "the run waits for the token");
      panel.reply(sign!.id, { token: "eyJ.dev.token", expiresAt: 1 });
      await panel.settle();
      const [run] = panel.sent("runFunction");
      assert.equal(run!.authorization, "Bearer eyJ.dev.token");
      panel.reply(run!.id, runResult());
      await panel.settle();
    },
    { state: readyState() },
  ));

test("a refused dev token or a typed Authorization shows why, and nothing runs", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.click('[data-function="tasks:add"] .function-select');
      choose(panel, "user");
      panel.type("#run-act-as-subject", "user_9");
      panel.click("#run");
      panel.reply(signRequests(panel)[0]!.id, undefined, "Act as a user needs the runtime's local dev issuer");
      await panel.settle();
      assert.match(panel.text("#run-error") ?? "", /The run failed: Act as a user needs the runtime's local dev issuer/);
      panel.type("#authorization", "Bearer mine");
      panel.click("#run");
      await panel.settle();
      assert.match(panel.text("#run-error") ?? "", /clear the Authorization field, or choose "Anonymous"/);
      assert.deepEqual(panel.sent("runFunction"), []);
    },
    { state: readyState() },
  ));

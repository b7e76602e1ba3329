// The entry's dispatch on `<body data-panel>`, and the styles it adopts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Window } from "happy-dom";
import type { HostWindow } from "../../webview/host-bridge";
import { startPanel } from "../../webview/start";
import type { HostMessage } from "../../webview/protocol/messages";
import { VsCodeApiFake, installApi, ready } from "./webview-fixture";

type PageWindow = HostWindow & { document: Document };

test('data-panel="response" starts the response panel with its styles', async () => {
  const window = new Window();
  window.document.body.dataset.panel = "response";
  const api = new VsCodeApiFake();
  installApi(window, api);
  const panel = startPanel(window as unknown as PageWindow);
  try {
    assert.ok(panel);
    assert.deepEqual(api.posted, [{ type: "ready" }]);
    assert.ok(window.document.querySelector("#root #waiting"));
    const css = window.document.adoptedStyleSheets.map((sheet) => [...sheet.cssRules].map((rule) => rule.cssText).join("\n")).join("\n");
    assert.equal(window.document.adoptedStyleSheets.length, 2);
    assert.match(css, /\.status-2xx/);
    assert.match(css, /var\(--vscode-foreground\)/);
    assert.equal(window.document.querySelectorAll("style").length, 0, "no <style> element (CSP)");
  } finally {
    panel?.dispose();
    await window.happyDOM.close();
  }
});

test("an unknown panel says so and does not acquire the VS Code API", async () => {
  const window = new Window();
  window.document.body.dataset.panel = "nope<b>";
  const acquired = installApi(window, new VsCodeApiFake());
  assert.equal(startPanel(window as unknown as PageWindow), null);
  assert.equal(window.document.querySelector("#root")?.textContent, 'Convex Lens has no panel named "nope<b>".');
  assert.equal(window.document.querySelector("b"), null);
  assert.equal(acquired.calls(), 0);
  await window.happyDOM.close();
});

/** A response page as the host writes it: `<body data-panel="response" data-messages="[…]">`. */
function responsePage(messages: string, api = new VsCodeApiFake()) {
  const window = new Window();
  window.document.body.dataset.panel = "response";
  window.document.body.dataset.messages = messages;
  installApi(window, api);
  const panel = startPanel(window as unknown as PageWindow);
  const find = (selector: string) => window.document.querySelector(selector);
  const host = (message: HostMessage) => window.dispatchEvent(new window.MessageEvent("message", { data: message }));
  const close = async () => {
    panel?.dispose();
    await window.happyDOM.close();
  };
  return { window, panel, api, find, host, close };
}

/** After the panel's own "after the first paint" (queued later, in the same way). */
const afterFrame = (window: Window) => new Promise<void>((resolve) => window.requestAnimationFrame(() => window.setTimeout(resolve, 0)));

test("a page written with its state shows it at once; the other tabs are built after the first paint", async () => {
  const history = [
    {
      id: "h1",
      at: 1,
      method: "POST",
      routePath: "/postMessage",
      path: "/postMessage",
      target: "t",
      status: 200,
      error: null,
      durationMs: 3,
      hasResponse: true,
    },
  ];
  const state = ready({ executions: [] });
  const page = responsePage(
    JSON.stringify([
      { type: "state", state },
      { type: "history", entries: history },
    ]),
  );
  try {
    assert.equal(page.find("#status")?.textContent, "200 OK");
    assert.equal(page.find("#waiting"), null);
    assert.match(page.find("#history-toggle")?.textContent ?? "", /1/);
    assert.ok(page.find("#view-body")?.textContent?.includes('"ok": true'), "the open tab is built");
    assert.equal(page.find("#view-request")?.childElementCount, 0, "the Request tab waits for the first paint");
    assert.equal(page.find("#view-headers")?.childElementCount, 0);
    await afterFrame(page.window);
    assert.ok(page.find("#view-request #send"), "then it is built");
    assert.ok(page.find("#view-headers vscode-data-grid"));
    // The host answers `ready` with the same state: nothing is drawn again (the editor stays).
    const send = page.find("#send");
    page.host({ type: "state", state: JSON.parse(JSON.stringify(state)) });
    page.host({ type: "history", entries: history });
    assert.equal(page.find("#send"), send);
    assert.deepEqual(page.api.posted, [{ type: "ready" }]);
  } finally {
    await page.close();
  }
});

test("a tab chosen before the first paint is built at once", async () => {
  const page = responsePage(JSON.stringify([{ type: "state", state: ready() }]));
  try {
    const panels = page.find("vscode-panels") as unknown as HTMLElement & { activeid?: string };
    panels.activeid = "tab-request";
    panels.dispatchEvent(new page.window.Event("change") as unknown as Event);
    assert.ok(page.find("#view-request #send"));
    assert.equal(page.find("#view-headers")?.childElementCount, 0);
    await afterFrame(page.window);
    assert.equal(page.find("#view-request")?.querySelectorAll("#send").length, 1, "built once");
    assert.ok(page.find("#view-headers vscode-data-grid"));
  } finally {
    await page.close();
  }
});

test("a newer state before the first paint: the page's deferred tabs are not built into it", async () => {
  const page = responsePage(JSON.stringify([{ type: "state", state: ready() }]));
  try {
    page.host({ type: "state", state: ready({ requestId: "r2", status: 201, statusText: "Created" }) });
    assert.equal(page.find("#status")?.textContent, "201 Created");
    await afterFrame(page.window);
    assert.equal(page.window.document.querySelectorAll("#send").length, 1);
    assert.equal(page.window.document.querySelectorAll("vscode-panels").length, 1);
  } finally {
    await page.close();
  }
});

test("what the panel kept with setState wins over the page's state; malformed page messages are left out", async () => {
  const kept = ready({ status: 404, statusText: "Not Found" });
  const api = new VsCodeApiFake({ version: 1, state: kept, draft: kept.request, tab: "body" });
  const page = responsePage(JSON.stringify([{ type: "state", state: ready() }]), api);
  const broken = responsePage("[{not json");
  const wrong = responsePage(JSON.stringify([{ type: "state", state: { kind: "ready" } }, { type: "reply", id: 1, ok: true }, 7]));
  try {
    assert.equal(page.find("#status")?.textContent, "404 Not Found");
    assert.ok(broken.find("#waiting"));
    assert.ok(wrong.find("#waiting"));
  } finally {
    for (const p of [page, broken, wrong]) await p.close();
  }
});

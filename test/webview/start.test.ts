// The entry's dispatch on `<body data-panel>`, and the styles it adopts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Window } from "happy-dom";
import type { HostWindow } from "../../webview/host-bridge";
import { startPanel } from "../../webview/start";
import { VsCodeApiFake, installApi } from "./webview-fixture";

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

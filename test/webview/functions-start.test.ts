// The entry's dispatch for `<body data-panel="functions">`: the functions panel with its styles.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Window } from "happy-dom";
import type { HostWindow } from "../../webview/host-bridge";
import { startPanel } from "../../webview/start";
import { VsCodeApiFake, installApi } from "./webview-fixture";

test('data-panel="functions" starts the functions panel, its three tabs and its styles', async () => {
  const window = new Window();
  window.document.body.dataset.panel = "functions";
  const api = new VsCodeApiFake();
  installApi(window, api);
  const panel = startPanel(window as unknown as HostWindow & { document: Document });
  try {
    assert.ok(panel);
    assert.deepEqual(api.posted, [{ type: "ready" }]);
    for (const id of ["functions", "data", "files"]) assert.ok(window.document.querySelector(`#root #tab-${id}`), id);
    assert.ok(window.document.querySelector("#root #runtime-status"));
    const css = window.document.adoptedStyleSheets.map((sheet) => [...sheet.cssRules].map((rule) => rule.cssText).join("\n")).join("\n");
    assert.match(css, /\.function-row|\.row/);
    assert.match(css, /\.runtime-status/);
    assert.equal(window.document.querySelectorAll("style").length, 0, "no <style> element (CSP)");
  } finally {
    panel?.dispose();
    await window.happyDOM.close();
  }
});

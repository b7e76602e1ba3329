// Our layer over the toolkit: the structure and wiring the panels rely on (tags unregistered).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Window } from "happy-dom";
import { createUi, setDisabled } from "../../webview/components";

function ui() {
  const window = new Window();
  return { window, ui: createUi(window.document as unknown as Document) };
}

test("tabs: tab-<id> and view-<id> ids, the active tab, and change events from the tabs only", async () => {
  const { window, ui: make } = ui();
  const changes: string[] = [];
  const field = make.textField({ id: "inner", value: "" });
  const tabs = make.tabs(
    [
      { id: "one", label: "One", content: field },
      { id: "two", label: "Two", badge: "3", content: "second" },
    ],
    { activeId: "two", onChange: (id) => changes.push(id) },
  );
  assert.equal(tabs.tagName.toLowerCase(), "vscode-panels");
  assert.equal(tabs.getAttribute("activeid"), "tab-two");
  assert.deepEqual(
    [...tabs.children].map((child) => `${child.tagName.toLowerCase()}#${child.id}`),
    ["vscode-panel-tab#tab-one", "vscode-panel-tab#tab-two", "vscode-panel-view#view-one", "vscode-panel-view#view-two"],
  );
  assert.equal(tabs.querySelector("#tab-two .badge")?.textContent, "3");
  field.dispatchEvent(new window.Event("change", { bubbles: true }) as unknown as Event);
  (tabs as HTMLElement & { activeid: string }).activeid = "tab-one";
  tabs.dispatchEvent(new window.Event("change", { bubbles: true }) as unknown as Event);
  assert.deepEqual(changes, ["one"]);
  await window.happyDOM.close();
});

test("buttons ignore clicks while disabled; fields report their value on input", async () => {
  const { window, ui: make } = ui();
  let clicks = 0;
  const button = make.button("Go", () => clicks++, { id: "go", appearance: "primary" });
  button.click();
  setDisabled(button, true);
  button.click();
  setDisabled(button, false);
  button.click();
  assert.equal(clicks, 2);
  assert.equal(button.getAttribute("appearance"), "primary");

  const values: string[] = [];
  const area = make.textArea({ id: "area", value: "start", rows: 4, onInput: (value) => values.push(value) });
  assert.equal(area.value, "start");
  area.value = "typed";
  area.dispatchEvent(new window.Event("input", { bubbles: true }) as unknown as Event);
  assert.deepEqual(values, ["typed"]);
  assert.equal(area.getAttribute("rows"), "4");
  await window.happyDOM.close();
});

test("data grid: a header row and one row per entry, cells as text", async () => {
  const { window, ui: make } = ui();
  const grid = make.dataGrid(["Name", "Value"], [["a", "<b>1</b>"]], { id: "grid" });
  const rows = [...grid.querySelectorAll("vscode-data-grid-row")];
  assert.equal(rows[0]?.getAttribute("row-type"), "sticky-header");
  assert.deepEqual(
    rows.map((row) => [...row.children].map((cell) => cell.textContent)),
    [
      ["Name", "Value"],
      ["a", "<b>1</b>"],
    ],
  );
  assert.equal(grid.querySelector("b"), null);
  assert.deepEqual(
    [...rows[1]!.children].map((cell) => cell.getAttribute("grid-column")),
    ["1", "2"],
  );
  await window.happyDOM.close();
});

test("badges are plain spans: the toolkit's <vscode-badge> binds a style attribute, which the panels' CSP reports as an error", async () => {
  const { window, ui: make } = ui();
  const badge = make.badge("Q", { id: "kind", title: "Query", className: "kind kind-query" });
  assert.equal(badge.tagName.toLowerCase(), "span");
  assert.equal(badge.className, "badge kind kind-query");
  assert.equal(badge.title, "Query");
  assert.equal(badge.textContent, "Q");
  assert.equal(badge.hasAttribute("style"), false);
  assert.equal(make.badge("3").className, "badge");
  await window.happyDOM.close();
});

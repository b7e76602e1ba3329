// Where "Reveal in source" and a stack frame's link show a file: in the editor that has it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { columnFor, FIRST_COLUMN } from "../../extension/editor-placement";

test("a file open nowhere goes to the first group", () => {
  assert.equal(columnFor([]), FIRST_COLUMN);
});

test("the group showing the file wins over the active group (where the panels are)", () => {
  // http.ts shown in group 1; the response panel's group 2 is active and has no http.ts.
  assert.equal(columnFor([{ column: 1, visible: true, activeGroup: false }]), 1);
  // Shown in group 3 only, behind a background tab in group 1.
  assert.equal(
    columnFor([
      { column: 1, visible: false, activeGroup: false },
      { column: 3, visible: true, activeGroup: false },
    ]),
    3,
  );
});

test("shown in two groups: the active one; in background tabs only: the first such group", () => {
  assert.equal(
    columnFor([
      { column: 1, visible: true, activeGroup: false },
      { column: 2, visible: true, activeGroup: true },
    ]),
    2,
  );
  assert.equal(
    columnFor([
      { column: 4, visible: false, activeGroup: true },
      { column: 2, visible: false, activeGroup: false },
    ]),
    2,
  );
});

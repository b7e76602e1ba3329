// `convex-lens import` and `export` arguments: the ZIP, then the project folder or --data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { parseCli } from "../../runtime/cli/args";

test("import and export take the ZIP and the data folder of a project or --data", () => {
  assert.deepEqual(parseCli(["import", "snap.zip"]), {
    command: "import",
    zipPath: resolve("snap.zip"),
    dataDir: resolve(".convex-lens"),
    replace: false,
  });
  assert.deepEqual(parseCli(["import", "snap.zip", "app", "--replace"]), {
    command: "import",
    zipPath: resolve("snap.zip"),
    dataDir: resolve("app", ".convex-lens"),
    replace: true,
  });
  assert.deepEqual(parseCli(["export", "out.zip", "--data", "d"]), {
    command: "export",
    zipPath: resolve("out.zip"),
    dataDir: resolve("d"),
  });
});

test("import and export arguments that do not fit are refused, saying how to write them", () => {
  assert.throws(() => parseCli(["import"]), /import needs the snapshot ZIP: convex-lens import snapshot\.zip/);
  assert.throws(() => parseCli(["export", "a.zip", "app", "--data", "d"]), /Give the project folder or --data DIR, not both/);
  assert.throws(() => parseCli(["export", "a.zip", "app", "more"]), /export takes a snapshot ZIP and one project folder, got also: more/);
  assert.throws(() => parseCli(["export", "a.zip", "--replace"]), /--replace is an option of import, not of export/);
  assert.throws(() => parseCli(["import", "a.zip", "--port", "1"]), /--port is an option of serve, not of import/);
  assert.throws(() => parseCli(["serve", "--replace"]), /--replace is an option of import, not of serve/);
});

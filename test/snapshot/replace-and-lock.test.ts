// Existing data is replaced only with --replace, and never under a running runtime: `import` and
// `export` of a data folder that a `convex-lens serve` holds fail with the lock's explanation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isSystemTableName } from "../../runtime/store/catalog";
import { baseTableName } from "../../runtime/store/namespaces";
import { runCli } from "../helpers/cli-process";
import { FIXTURES } from "../helpers/serve-fixture";
import { readFolder, seededFolder, tempDir } from "./snapshot-helpers";

const digest = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const carried = (name: string) => !isSystemTableName(name) || baseTableName(name) === "_storage";

async function cli(args: string[]): Promise<{ code: number | null; output: string }> {
  const run = runCli(args);
  const code = await run.exited;
  return { code, output: run.output() };
}

test("import refuses a data folder with data unless --replace, then replaces it whole", async () => {
  const source = await seededFolder();
  const target = await seededFolder();
  const zip = join(tempDir("zip"), "source.zip");
  assert.equal((await cli(["export", zip, "--data", source.dataDir])).code, 0);

  const before = digest(join(target.dataDir, "data.sqlite"));
  const refused = await cli(["import", zip, "--data", target.dataDir]);
  assert.equal(refused.code, 1, refused.output);
  assert.match(
    refused.output,
    /convex-lens: The data folder .* already holds data \(\d+ documents, 2 files\)\. Importing a snapshot replaces all of it: run again with --replace/,
  );
  assert.equal(digest(join(target.dataDir, "data.sqlite")), before, "the refused import changed nothing");

  const replaced = await cli(["import", zip, "--data", target.dataDir, "--replace"]);
  assert.equal(replaced.code, 0, replaced.output);
  const expected = await readFolder(source.dataDir);
  const actual = await readFolder(target.dataDir);
  const names = [...expected.tables.keys()].filter(carried).sort();
  assert.deepEqual([...actual.tables.keys()].sort(), names, "only the snapshot's tables are left");
  for (const name of names) assert.deepEqual(actual.tables.get(name), expected.tables.get(name), name);
  assert.deepEqual([...actual.files.keys()].sort(), [...expected.files.keys()].sort(), "only the snapshot's files are left");
});

test("import and export of a data folder that convex-lens serve holds fail, and serve goes on", async () => {
  const { dataDir, postId } = await seededFolder();
  const zip = join(tempDir("zip"), "snapshot.zip");
  assert.equal((await cli(["export", zip, "--data", dataDir])).code, 0);
  const serve = runCli(["serve", join(FIXTURES, "snapshot-app"), "--data", dataDir, "--port", "0", "--api-port", "0"]);
  try {
    const [, site] = await serve.waitFor(/HTTP actions \(site\):\s+(http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    for (const args of [
      ["import", zip, "--data", dataDir, "--replace"],
      ["export", join(tempDir("zip"), "other.zip"), "--data", dataDir],
    ]) {
      const result = await cli(args);
      assert.equal(result.code, 1, result.output);
      assert.match(result.output, /The data folder .* is in use by another Convex Lens runtime \(process \d+\)/);
    }
    const page = await fetch(`${site}/post?id=${postId}`);
    assert.equal(page.status, 200);
    assert.equal(((await page.json()) as { author: string }).author, "Ada");
  } finally {
    serve.child.kill("SIGTERM");
    await serve.exited;
  }
});

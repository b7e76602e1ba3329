// A snapshot import killed while it swaps the new data in (SIGKILL before each of its renames in
// turn) leaves a folder that the next start settles: the old data whole, or the new data whole,
// never a mix and never an empty database; no work folder stays behind. `convex-lens serve` says
// what it found.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { lockAndSettle } from "../../runtime/host/data-folder-swap";
import { encodeId } from "../../runtime/store/ids";
import { runCli } from "../helpers/cli-process";
import { FIXTURES } from "../helpers/serve-fixture";
import { type FolderContents, jsonl, readFolder, seededFolder, tempDir, writeZip } from "./snapshot-helpers";

const KILLER = join(__dirname, "fixtures", "swap-killer.ts");

/** Imports `zip` into `dataDir` in a child that kills itself before rename `killBefore` (0: never). */
function swapAndKill(zip: string, dataDir: string, killBefore: number): { signal: NodeJS.Signals | null; renames: number } {
  const child = spawnSync(process.execPath, ["--import", "tsx", KILLER, zip, dataDir, String(killBefore)], { encoding: "utf8" });
  if (child.signal === null) assert.equal(child.status, 0, child.stderr);
  return { signal: child.signal, renames: Number(child.stdout.trim()) };
}

function copyOf(dataDir: string): string {
  const copy = join(tempDir("swap"), "data");
  cpSync(dataDir, copy, { recursive: true });
  return copy;
}

const leftovers = (dataDir: string) => readdirSync(dataDir).filter((name) => /^\.(import|export|replaced)-|^\.swap\.json/.test(name));

function sameData(actual: FolderContents, expected: FolderContents, what: string): boolean {
  try {
    assert.deepEqual([...actual.tables.entries()].sort(), [...expected.tables.entries()].sort(), what);
    assert.deepEqual([...actual.files.entries()].sort(), [...expected.files.entries()].sort(), what);
    return true;
  } catch {
    return false;
  }
}

async function snapshotZip(): Promise<string> {
  return writeZip(join(tempDir("zip"), "snapshot.zip"), {
    "_tables/documents.jsonl": jsonl({ name: "notes", id: 10001 }),
    "notes/documents.jsonl": jsonl({ _id: encodeId(10001), _creationTime: 1700000000000, text: "from the snapshot" }),
  });
}

test("an import killed before any of its renames leaves the old data or the new, whole, after the next start settles it", async () => {
  const { dataDir: seeded } = await seededFolder();
  const zip = await snapshotZip();
  const before = await readFolder(seeded);

  const completed = copyOf(seeded);
  const { renames } = swapAndKill(zip, completed, 0);
  assert.ok(renames >= 3, `the old database, its files and the new database each move (${renames} renames)`);
  assert.deepEqual(leftovers(completed), [], "a swap that ran to its end leaves nothing behind");
  const after = await readFolder(completed);
  assert.ok(!sameData(after, before, "new"), "the import changed the data");

  const outcomes: string[] = [];
  for (let killBefore = 1; killBefore <= renames; killBefore++) {
    const dataDir = copyOf(seeded);
    const { signal } = swapAndKill(zip, dataDir, killBefore);
    assert.equal(signal, "SIGKILL", `killed before rename ${killBefore}`);
    assert.ok(existsSync(join(dataDir, ".swap.json")), "the killed swap left its journal");

    const { unlock, settled } = lockAndSettle(dataDir);
    unlock();
    const contents = await readFolder(dataDir);
    const keptOld = sameData(contents, before, "old");
    const tookNew = sameData(contents, after, "new");
    assert.ok(keptOld !== tookNew, `killed before rename ${killBefore}: the old data whole or the new data whole`);
    assert.match(settled ?? "", keptOld ? /stopped before it replaced anything/ : /has been completed now/);
    assert.deepEqual(leftovers(dataDir), [], `killed before rename ${killBefore}: no work folder or journal stays`);
    outcomes.push(keptOld ? "old" : "new");
  }
  assert.ok(outcomes.includes("old") && outcomes.includes("new"), `kills fell in both rounds of renames: ${outcomes.join(", ")}`);
});

test("convex-lens serve settles an interrupted import before it opens the database, and says so", async () => {
  const { dataDir: seeded } = await seededFolder();
  const zip = await snapshotZip();
  const dataDir = copyOf(seeded);
  const { renames } = swapAndKill(zip, copyOf(seeded), 0);
  // Before the last rename: every old part is aside and the new database is in, its last part is not.
  assert.equal(swapAndKill(zip, dataDir, renames).signal, "SIGKILL");

  const serve = runCli(["serve", join(FIXTURES, "snapshot-app"), "--data", dataDir, "--port", "0", "--api-port", "0"]);
  try {
    await serve.waitFor(/A snapshot import was stopped while it replaced the data folder's data; it has been completed now\./, 60_000);
    await serve.waitFor(/HTTP actions \(site\):\s+http:\/\/127\.0\.0\.1:\d+/, 60_000);
  } finally {
    serve.child.kill("SIGTERM");
    await serve.exited;
  }
  const contents = await readFolder(dataDir);
  assert.deepEqual(
    contents.tables.get("notes")?.map((doc) => doc.text),
    ["from the snapshot"],
    "the imported document is served",
  );
  assert.deepEqual(leftovers(dataDir), []);
});

test("work folders of processes that are gone are removed at the next start; this process's own stay", () => {
  const dataDir = join(tempDir("work"), "data");
  cpSync(join(FIXTURES, "snapshot-app"), join(dataDir, ".import-999999999-abcdef"), { recursive: true });
  cpSync(join(FIXTURES, "snapshot-app"), join(dataDir, ".export-a1B2c3"), { recursive: true });
  cpSync(join(FIXTURES, "snapshot-app"), join(dataDir, `.import-${process.pid}-abcdef`), { recursive: true });
  const { unlock, settled } = lockAndSettle(dataDir);
  unlock();
  assert.equal(settled, null, "no swap was interrupted");
  assert.deepEqual(leftovers(dataDir), [`.import-${process.pid}-abcdef`]);
});

// A file-backed store on a disk that fills up (test/helpers/disk-space.ts: real files, a budget of
// free bytes, short writes and real ENOSPC errors), an empty database file, and leftovers of
// interrupted writes.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, beforeEach, test } from "node:test";
import { limitDiskSpace, setFreeSpace } from "../helpers/disk-space";
import { logPathFor } from "../../runtime/store/persistence";
import { Store, type StoreOptions } from "../../runtime/store/sqlite-store";
import { collect, errorOf, scan, tempDir } from "./helpers";

const dir = tempDir();
const disk = path.join(dir, "disk");
const control = path.join(dir, "free-bytes");
fs.mkdirSync(disk);
limitDiskSpace(disk, control);
after(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(() => setFreeSpace(control, null));
let fileCounter = 0;
const newFile = () => path.join(disk, `db-${fileCounter++}.sqlite`);
const open = (file: string, options: StoreOptions = {}) => Store.open({ file, checkpointDelayMs: 60_000, ...options });

async function insert(store: Store, value: { n: number }): Promise<string> {
  const tx = await store.beginWrite();
  const id = tx.insert("things", value);
  tx.commit();
  return id;
}

test("a commit whose log append hits a full disk is refused, names the disk, and leaves the log as it was", async () => {
  const file = newFile();
  const log = logPathFor(file);
  const store = await open(file);
  const acknowledged = [await insert(store, { n: 1 })];
  const before = fs.readFileSync(log);

  // 20 bytes left: the append writes part of its line, then fails with ENOSPC.
  setFreeSpace(control, 20);
  for (let attempt = 0; attempt < 3; attempt++) {
    const message = await errorOf(() => insert(store, { n: 100 + attempt }));
    assert.match(message, /the disk is full/, message);
    assert.ok(message.includes(log), `names the file: ${message}`);
    assert.deepEqual(fs.readFileSync(log), before, "the log is exactly as it was before the failed append");
    setFreeSpace(control, 20);
  }
  // The refused commits are not visible, and the store still reads.
  assert.deepEqual(
    (await collect(store, scan("things"))).map((d) => d.n),
    [1],
  );

  // Space comes back: writes work again without a restart, on a fresh line of the log.
  setFreeSpace(control, null);
  acknowledged.push(await insert(store, { n: 2 }), await insert(store, { n: 3 }));
  store.abandonForTesting(); // a crash: only the log holds these commits

  const reopened = await open(file);
  const docs = await collect(reopened, scan("things"));
  assert.deepEqual(
    docs.map((d) => d._id),
    acknowledged,
  );
  assert.deepEqual(
    docs.map((d) => d.n),
    [1, 2, 3],
  );
  await reopened.close();
});

test("a checkpoint on a full disk leaves no temp file, keeps the old snapshot and the log, and is reported", async () => {
  const file = newFile();
  const reports: Array<[string, string | null]> = [];
  const store = await open(file, { onDiskStatus: (part, error) => reports.push([part, error ? error.message : null]) });
  await insert(store, { n: 1 });
  await store.checkpoint();
  const snapshot = fs.readFileSync(file);
  await insert(store, { n: 2 });
  const log = fs.readFileSync(logPathFor(file));

  setFreeSpace(control, 1000);
  await assert.rejects(store.checkpoint(), (error: Error) => {
    assert.match(error.message, /the disk is full/);
    assert.ok(error.message.includes(`${file}.tmp-${process.pid}`), error.message);
    return true;
  });
  assert.deepEqual(
    fs.readdirSync(disk).filter((name) => name.includes(".tmp")),
    [],
    "the partial snapshot is removed",
  );
  assert.deepEqual(fs.readFileSync(file), snapshot);
  assert.deepEqual(fs.readFileSync(logPathFor(file)), log);

  setFreeSpace(control, null);
  await store.checkpoint();
  assert.equal(fs.statSync(logPathFor(file)).size, 0);
  assert.deepEqual(
    reports.map(([part, message]) => [part, message === null ? null : /the disk is full/.test(message)]),
    [
      ["database file", true],
      ["database file", null],
    ],
  );
  store.abandonForTesting();
  const reopened = await open(file);
  assert.deepEqual(
    (await collect(reopened, scan("things"))).map((d) => d.n),
    [1, 2],
  );
  await reopened.close();
});

test("a failed commit-log append is reported, and so is the first append that works again", async () => {
  const file = newFile();
  const reports: Array<[string, boolean]> = [];
  const store = await open(file, { onDiskStatus: (part, error) => reports.push([part, error !== null]) });
  await insert(store, { n: 1 });
  setFreeSpace(control, 5);
  await assert.rejects(insert(store, { n: 2 }), /the disk is full/);
  setFreeSpace(control, null);
  await insert(store, { n: 3 });
  await insert(store, { n: 4 });
  assert.deepEqual(reports, [
    ["commit log", true],
    ["commit log", false],
  ]);
  await store.close();
});

test("a log damaged by an older version's failed append (a partial entry continued by a whole one) is read", async () => {
  const file = newFile();
  const store = await open(file);
  await insert(store, { n: 1 });
  await insert(store, { n: 2 });
  store.abandonForTesting();
  const log = logPathFor(file);
  const [first, second] = fs.readFileSync(log, "utf8").split("\n") as [string, string];
  // What Convex Lens before this fix left: a cut-off append (never acknowledged), and the next,
  // acknowledged, commit written on the same line.
  const cutOff = second.replace(/"ts":"\d+"/, '"ts":"1"').slice(0, 40);
  fs.writeFileSync(log, `${first}\n${cutOff}${second}\n`);
  const reopened = await open(file);
  assert.deepEqual(
    (await collect(reopened, scan("things"))).map((d) => d.n),
    [1, 2],
  );
  await insert(reopened, { n: 3 });
  reopened.abandonForTesting();
  const again = await open(file);
  assert.deepEqual(
    (await collect(again, scan("things"))).map((d) => d.n),
    [1, 2, 3],
  );
  await again.close();
});

test("an empty (0-byte) database file is reported as damage and left untouched", async () => {
  const file = newFile();
  fs.writeFileSync(file, "");
  const message = await errorOf(() => open(file));
  assert.ok(message.includes(file), message);
  assert.match(message, /could not be opened/);
  assert.match(message, /empty/);
  assert.match(message, /left untouched/);
  assert.equal(fs.statSync(file).size, 0);
  assert.equal(fs.existsSync(logPathFor(file)), false, "no commit log was started for it either");
});

test("temp files of an interrupted snapshot are removed at the next open, others are not", async () => {
  const file = newFile();
  const store = await open(file);
  await insert(store, { n: 1 });
  await store.close();
  const leftovers = [`${file}.tmp-4194303`, `${file}.tmp-${process.pid}`];
  for (const leftover of leftovers) fs.writeFileSync(leftover, "half a snapshot");
  const unrelated = [`${file}.tmp-notes`, `${file}x.tmp-12`].map((name) => {
    fs.writeFileSync(name, "not ours");
    return name;
  });
  const reopened = await open(file);
  for (const leftover of leftovers) assert.equal(fs.existsSync(leftover), false, leftover);
  for (const name of unrelated) assert.equal(fs.existsSync(name), true, name);
  assert.deepEqual(
    (await collect(reopened, scan("things"))).map((d) => d.n),
    [1],
  );
  await reopened.close();
});

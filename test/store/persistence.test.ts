// File-backed stores: snapshot round trip, commit-log replay, torn tails, crashes, corrupt files.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { logPathFor } from "../../runtime/store/persistence";
import { Store } from "../../runtime/store/sqlite-store";
import { collect, errorOf, indexed, messagesSchema, r, scan, tempDir, tmpFileIn } from "./helpers";

const dir = tempDir();
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileCounter = 0;
const newFile = () => tmpFileIn(dir, `db-${fileCounter++}.sqlite`);
const open = (file: string, checkpointDelayMs = 60_000) => Store.open({ file, checkpointDelayMs });

async function countOf(store: Store, table: string): Promise<number> {
  const tx = await store.beginRead();
  try {
    return tx.count(table);
  } finally {
    tx.end();
  }
}

test("close writes the file; reopening restores documents, indexes, IDs and table numbers", async () => {
  const file = newFile();
  const store = await open(file);
  await store.setSchema(messagesSchema);
  const tx = await store.beginWrite();
  const ids = ["a", "b", "a"].map((channel, n) => tx.insert("messages", { channel, n }));
  const other = tx.insert("extra", { x: 1 });
  tx.commit();
  await store.close();
  assert.ok(fs.existsSync(file));
  assert.equal(fs.statSync(logPathFor(file)).size, 0); // folded into the snapshot

  const again = await open(file);
  assert.deepEqual(
    (await collect(again, indexed("messages.by_channel", [r.eq("channel", "a")]))).map((d) => d._id),
    [ids[0], ids[2]],
  );
  assert.equal(again.tableNameOfId(other), "extra");
  const tx2 = await again.beginWrite();
  const next = tx2.insert("later", {}); // numbering continues after the existing tables
  tx2.commit();
  assert.equal(again.tableNameOfId(next), "later");
  const created = (await collect(again, scan("messages")))[2]!._creationTime;
  const tx3 = await again.beginWrite();
  const newest = tx3.insert("messages", { channel: "c" });
  assert.ok(tx3.get(newest)!._creationTime > created);
  tx3.commit();
  await again.close();
});

test("commits survive without a checkpoint: the log is replayed, idempotently", async () => {
  const file = newFile();
  const store = await open(file);
  await store.setSchema(messagesSchema);
  const tx = await store.beginWrite();
  const keep = tx.insert("messages", { channel: "a", n: 1 });
  const gone = tx.insert("messages", { channel: "b", n: 2 });
  tx.commit();
  const tx2 = await store.beginWrite();
  tx2.patch(keep, { n: 10 });
  tx2.remove(gone);
  tx2.commit();
  store.abandonForTesting(); // as if the process died: no checkpoint
  assert.equal(fs.existsSync(file), false);
  assert.ok(fs.statSync(logPathFor(file)).size > 0);

  for (let round = 0; round < 2; round++) {
    // Replaying the same log again (second round, still no checkpoint) gives the same state.
    const reopened = await open(file);
    const docs = await collect(reopened, indexed("messages.by_channel"));
    assert.deepEqual(
      docs.map((d) => [d._id, d.n]),
      [[keep, 10]],
    );
    assert.equal(await countOf(reopened, "messages"), 1);
    reopened.abandonForTesting();
  }
  // Entries already in the snapshot are skipped, as after a crash between writing the snapshot
  // and emptying the log: replaying them would bring back older versions of documents.
  const leftover = fs.readFileSync(logPathFor(file)); // n: 1, then n: 10
  const reopened = await open(file);
  await reopened.checkpoint();
  assert.equal(fs.statSync(logPathFor(file)).size, 0);
  const tx3 = await reopened.beginWrite();
  tx3.patch(keep, { n: 20 });
  tx3.commit();
  await reopened.checkpoint();
  reopened.abandonForTesting();
  fs.writeFileSync(logPathFor(file), leftover);
  const final = await open(file);
  const read = await final.beginRead();
  assert.equal(read.get(keep)?.n, 20);
  assert.equal(read.get(gone), null);
  read.end();
  await final.close();
});

test("a torn last line is ignored and cut off; a damaged line in the middle is reported", async () => {
  const file = newFile();
  const store = await open(file);
  const tx = await store.beginWrite();
  const id = tx.insert("things", { n: 1 });
  tx.commit();
  store.abandonForTesting();
  const logFile = logPathFor(file);
  const good = fs.readFileSync(logFile);
  fs.appendFileSync(logFile, '{"ts":"99999999999999999999","puts":[["x",10001,1,"{\\"_id'); // cut mid-write

  const reopened = await open(file);
  const read = await reopened.beginRead();
  assert.equal(read.get(id)?.n, 1);
  assert.equal(read.count("things"), 1);
  read.end();
  assert.deepEqual(fs.readFileSync(logFile), good); // the torn bytes are gone
  const tx2 = await reopened.beginWrite();
  tx2.insert("things", { n: 2 }); // appends on a fresh line
  tx2.commit();
  reopened.abandonForTesting();
  const third = await open(file);
  assert.equal(await countOf(third, "things"), 2);
  third.abandonForTesting();

  const lines = fs.readFileSync(logFile, "utf8").split("\n");
  fs.writeFileSync(logFile, [lines[0]!.slice(0, 10), ...lines.slice(1)].join("\n"));
  const message = await errorOf(() => open(file));
  assert.match(message, /Line 1 of the commit log .*db-\d+\.sqlite\.log\.jsonl is damaged/);
  assert.match(message, /left untouched/);
});

test("the debounced checkpoint writes the file and empties the log", async () => {
  const file = newFile();
  const store = await open(file, 30);
  const tx = await store.beginWrite();
  tx.insert("things", { n: 1 });
  tx.commit();
  assert.ok(fs.statSync(logPathFor(file)).size > 0);
  for (let i = 0; i < 100 && fs.statSync(logPathFor(file)).size > 0; i++) await sleep(20);
  assert.equal(fs.statSync(logPathFor(file)).size, 0);
  assert.ok(fs.existsSync(file));
  store.abandonForTesting();
  const reopened = await open(file);
  assert.equal(await countOf(reopened, "things"), 1);
  await reopened.close();
});

test("a process killed with SIGKILL right after commit loses nothing", async () => {
  const file = newFile();
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "fixtures", "crash-child.ts"), file, "5"], {
    encoding: "utf8",
    timeout: 20_000,
  });
  assert.equal(child.signal, "SIGKILL", child.stderr);
  assert.match(child.stdout, /committed/);
  const store = await open(file);
  const docs = await collect(store, scan("things"));
  assert.deepEqual(
    docs.map((d) => d.i),
    [0, 1, 2, 3, 4],
  );
  await store.close();
});

test("a corrupt or foreign database file is reported, never replaced", async () => {
  const file = newFile();
  const garbage = Buffer.from("this is not an SQLite database, but it is the user's data ".repeat(200));
  fs.writeFileSync(file, garbage);
  const message = await errorOf(() => open(file));
  assert.ok(message.includes(file), message);
  assert.match(message, /could not be opened/);
  assert.match(message, /left untouched/);
  assert.deepEqual(fs.readFileSync(file), garbage);

  const foreign = newFile();
  const other = await Store.open(); // an SQLite database with someone else's tables
  const sqlJs = (await import("sql.js")).default;
  const SQL = await sqlJs();
  const db = new SQL.Database();
  db.exec("CREATE TABLE notes (x TEXT)");
  fs.writeFileSync(foreign, db.export());
  db.close();
  await other.close();
  assert.match(await errorOf(() => open(foreign)), /not one written by Convex Lens/);
});

test("a database of several MiB survives checkpoints and reopening: checkpoints write it from the buffer it lives in", async () => {
  const file = newFile();
  const body = "y".repeat(1000);
  const store = await open(file);
  await store.setSchema(messagesSchema);
  const write = async (from: number, count: number) => {
    const tx = await store.beginWrite();
    for (let n = from; n < from + count; n++) tx.insert("messages", { channel: `c${n % 7}`, n, body });
    tx.commit();
  };
  await write(0, 3000);
  await store.checkpoint(); // written straight from the file's buffer (shared/file-buffer.ts)
  assert.ok(fs.statSync(file).size > 3 * 2 ** 20);
  await write(3000, 1000); // the live database is untouched by the write
  await store.checkpoint();
  await store.close();

  const again = await open(file);
  assert.equal(await countOf(again, "messages"), 4000);
  const docs = await collect(again, indexed("messages.by_channel", [r.eq("channel", "c3")]), 500);
  assert.equal(docs.length, 571);
  assert.ok(docs.every((doc) => doc.body === body && (doc.n as number) % 7 === 3));
  const tx = await again.beginWrite(); // and it still writes and checkpoints
  tx.insert("messages", { channel: "c3", n: 4000, body });
  tx.commit();
  await again.close();
  const third = await open(file);
  assert.equal(await countOf(third, "messages"), 4001);
  await third.close();
});

test("after a rolled-back transaction cut the database file back, checkpoints still write every commit", async () => {
  const file = newFile();
  const store = await open(file);
  await store.setSchema(messagesSchema);
  const write = async (from: number, count: number, body: string) => {
    const tx = await store.beginWrite();
    for (let n = from; n < from + count; n++) tx.insert("messages", { channel: "c", n, body });
    return tx;
  };
  (await write(0, 100, "kept")).commit();
  await store.checkpoint();
  // Over the 8 MiB page cache: SQLite spills pages into the file, and the abort's rollback cuts it
  // back, so sql.js's file system moves the file out of the store's buffer. A snapshot written from
  // that buffer would miss everything after this; the checkpoint notices and exports instead.
  (await write(100, 10_000, "y".repeat(1000))).abort();
  (await write(100, 5, "after the rollback")).commit();
  await store.checkpoint();
  assert.equal(fs.statSync(logPathFor(file)).size, 0);
  (await write(105, 5, "in the new buffer")).commit(); // the file has moved into a buffer of its own again
  await store.checkpoint();
  assert.equal(fs.statSync(logPathFor(file)).size, 0);
  await store.close();

  const again = await open(file);
  const docs = await collect(again, scan("messages"), 1000);
  assert.deepEqual(
    docs.map((doc) => doc.body),
    [...Array(100).fill("kept"), ...Array(5).fill("after the rollback"), ...Array(5).fill("in the new buffer")],
  );
  await again.close();
});

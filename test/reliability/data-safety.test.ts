// What happens to the data folder when the disk or its files go wrong, with real `convex-lens
// serve` processes: a disk that fills up (test/helpers/disk-space.ts, loaded into the child with
// --require: real files, short writes, real ENOSPC errors), an empty database file, stored files
// next to a database that does not know them, leftovers of interrupted writes, files that cannot
// be saved in the background, and a lock whose pid now belongs to another process.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diskSpacePreload, setFreeSpace } from "../helpers/disk-space";
import { runCli } from "../helpers/cli-process";
import { processStartTime } from "../../runtime/shared/process-alive";
import { decodeId, encodeId } from "../../runtime/store/ids";
import { recordFigures, Tally } from "./figures";
import { callApi, copyFixture, poll, startServe, valueOfCall, type ServeChild } from "./support";

const tally = new Tally();
const project = copyFixture("faults-app");
const base = mkdtempSync(join(tmpdir(), "convex-lens-data-safety-"));
const children: ServeChild[] = [];
let folders = 0;
const newDataDir = () => join(base, `data-${folders++}`);

after(async () => {
  for (const child of children) await child.kill9();
  rmSync(project, { recursive: true, force: true });
  rmSync(base, { recursive: true, force: true });
  await recordFigures("data-safety", {
    title: "full disk, empty database file, files without a database, leftovers, background save failures, reused lock pids",
    tally,
  });
});

async function serve(dataDir: string, options: Parameters<typeof startServe>[3] = {}): Promise<ServeChild> {
  const child = await startServe(project, dataDir, [], options);
  children.push(child);
  tally.runs++;
  return child;
}

/** `serve` that must fail to start: its output. */
async function refusedStart(dataDir: string): Promise<string> {
  const cli = runCli(["serve", project, "--port", "0", "--api-port", "0", "--data", dataDir, "--quiet"]);
  // A guard against a serve that starts instead: it would run until killed.
  const guard = setInterval(() => /Watching for changes/.test(cli.output()) && cli.child.kill("SIGKILL"), 100);
  const code = await cli.exited;
  clearInterval(guard);
  assert.equal(code, 1, `serve did not refuse to start:\n${cli.output()}`);
  return cli.output();
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`))?.length ?? 0;
}

const put = (child: ServeChild, seq: number) => callApi(child.api, "mutation", "writes:put", { round: 1, seq, value: `v${seq}` });

test("a full disk: commits are refused naming the disk, the log stays whole, writes resume when space returns, kill -9 loses nothing", async () => {
  // Before: the failed append left a partial line, later acknowledged commits went onto it, and the
  // next start refused the log ("Line 33 … is damaged"); the way out dropped 27 acknowledged writes.
  const dataDir = newDataDir();
  const control = join(base, "free-bytes");
  const child = await serve(dataDir, diskSpacePreload(dataDir, control, base));
  const log = join(dataDir, "data.sqlite.log.jsonl");
  const acknowledged: number[] = [];
  for (let seq = 0; seq < 5; seq++) {
    assert.equal((await put(child, seq)).status, "success");
    acknowledged.push(seq);
  }

  setFreeSpace(control, 60); // room for part of one log line
  tally.faultsInjected++;
  for (let seq = 100; seq < 106; seq++) {
    const outcome = await put(child, seq);
    tally.requestsSent++;
    assert.equal(outcome.status, "error");
    assert.match(outcome.errorMessage!, /could not save this commit: the disk is full \(writing .*data\.sqlite\.log\.jsonl\)/);
    assert.ok(outcome.errorMessage!.includes(log), outcome.errorMessage);
    assert.ok(readFileSync(log, "utf8").endsWith("\n"), "no partial line is left in the log");
  }
  const viaHttp = await fetch(`${child.site}/write`, { method: "POST", body: JSON.stringify({ round: 1, seq: 200, value: "http" }) });
  assert.equal(viaHttp.status, 500);
  assert.match(await viaHttp.text(), /the disk is full/);
  // Refused commits are not visible.
  const seen = await valueOfCall<Array<[string, number, number, string]>>(child.api, "query", "writes:all");
  assert.deepEqual(
    seen.map((row) => row[2]),
    acknowledged,
  );
  // The CLI said it once, not once per failure.
  await child.cli.waitFor(/\[convex-lens\] Convex Lens could not save this commit: the disk is full/);
  assert.equal(count(child.cli.output(), /could not save this commit/), 1, child.cli.output());

  setFreeSpace(control, null);
  for (let seq = 5; seq < 25; seq++) {
    assert.equal((await put(child, seq)).status, "success");
    acknowledged.push(seq);
  }
  tally.requestsSent += 25;
  await child.cli.waitFor(/\[convex-lens\] Saving the commit log works again \(it had failed 7 times\)/);
  await child.kill9();

  const again = await serve(dataDir);
  const rows = await valueOfCall<Array<[string, number, number, string]>>(again.api, "query", "writes:all");
  const lost = acknowledged.filter((seq) => !rows.some((row) => row[2] === seq));
  tally.dataLost += lost.length;
  assert.deepEqual(lost, [], "every acknowledged write survived");
  assert.deepEqual(
    rows.map((row) => row[2]),
    acknowledged,
    "and nothing that was refused",
  );
  await again.stop();
  tally.notes.push(
    `full disk: ${acknowledged.length} acknowledged writes (20 after space came back) all there after kill -9; 7 refused commits named the disk, 1 CLI line`,
  );
});

test("an empty data.sqlite is damage: serve refuses to start, and no stored file is deleted or overwritten", async () => {
  // Before: a 0-byte file gave a silent empty start, the start-up sweep deleted every stored file,
  // and the stop wrote an empty database over the file.
  const dataDir = newDataDir();
  const child = await serve(dataDir);
  const stored: string[] = [];
  for (let i = 0; i < 3; i++) {
    const answer = await fetch(`${child.site}/store`, { method: "POST", body: `file ${i}` });
    stored.push(((await answer.json()) as { storageId: string }).storageId);
  }
  assert.equal(await child.stop(), 0);
  const database = join(dataDir, "data.sqlite");
  truncateSync(database, 0);
  tally.faultsInjected++;

  const output = await refusedStart(dataDir);
  assert.match(output, /The local database file .*data\.sqlite could not be opened: it is empty \(0 bytes\)/);
  assert.match(output, /It was left untouched\. Move it aside \(or restore it from a backup\)/);
  assert.equal(statSync(database).size, 0);
  for (const id of stored) assert.equal(readFileSync(join(dataDir, "files", id), "utf8"), `file ${stored.indexOf(id)}`);
  tally.notes.push("0-byte data.sqlite: start refused with the damage message; the 3 stored files and the file itself untouched");
});

test("stored files next to a database that never stored a file are left in place; an orphan of a healthy one is removed and named", async () => {
  const dataDir = newDataDir();
  const child = await serve(dataDir);
  const answer = await fetch(`${child.site}/store`, { method: "POST", body: "kept" });
  const id = ((await answer.json()) as { storageId: string }).storageId;
  assert.equal(await child.stop(), 0);

  // The database moved aside (as the damage message suggests): a new, empty one starts.
  renameSync(join(dataDir, "data.sqlite"), join(base, "moved-aside.sqlite"));
  const fresh = await serve(dataDir);
  await fresh.cli.waitFor(/holds 1 stored file\(s\), but this database has never stored a file/);
  assert.equal(await fresh.stop(), 0);
  assert.equal(readFileSync(join(dataDir, "files", id), "utf8"), "kept");

  // Put back, with an orphan beside it (bytes placed by a mutation that never committed).
  renameSync(join(base, "moved-aside.sqlite"), join(dataDir, "data.sqlite"));
  const orphan = encodeId(decodeId(id)!.tableNumber);
  writeFileSync(join(dataDir, "files", orphan), "orphan");
  const healthy = await serve(dataDir);
  await healthy.cli.waitFor(new RegExp(`Removed 1 stored file\\(s\\) from .* that no _storage document refers to .*: ${orphan}`));
  assert.equal(existsSync(join(dataDir, "files", orphan)), false);
  assert.equal(readFileSync(join(dataDir, "files", id), "utf8"), "kept");
  const download = await fetch(`${healthy.api}/api/storage/${id}`);
  assert.equal(await download.text(), "kept");
  await healthy.stop();
  tally.notes.push("files next to a new database: kept, and said; an orphan of a healthy database: removed, and named");
});

test("temp files of interrupted writes are removed at the next start", async () => {
  const dataDir = newDataDir();
  mkdirSync(dataDir, { recursive: true });
  const leftovers = ["data.sqlite.tmp-4194301", ".logs.sqlite.4194301.0a1b2c3d.tmp"];
  for (const name of leftovers) writeFileSync(join(dataDir, name), "half written");
  writeFileSync(join(dataDir, "notes.tmp"), "not ours");
  const child = await serve(dataDir);
  for (const name of leftovers) assert.equal(existsSync(join(dataDir, name)), false, name);
  assert.equal(existsSync(join(dataDir, "notes.tmp")), true);
  await child.stop();
});

test("saving failures in the background reach the CLI: one line when a file cannot be saved, one when it can again", async () => {
  // Before: a failed checkpoint went to console.error as a stack, a failed log write to an event nobody heard.
  const dataDir = newDataDir();
  const child = await serve(dataDir);
  await poll(() => (existsSync(join(dataDir, "data.sqlite")) ? true : undefined), "the first checkpoint");
  // A directory where the files go: every rename over them fails, as a real failure would.
  for (const name of ["data.sqlite", "logs.sqlite"]) {
    rmSync(join(dataDir, name), { force: true });
    mkdirSync(join(dataDir, name, "in-the-way"), { recursive: true });
  }
  tally.faultsInjected += 2;
  for (let seq = 0; seq < 3; seq++) assert.equal((await put(child, seq)).status, "success");
  await child.cli.waitFor(
    /\[convex-lens\] Convex Lens could not save the database file: .*data\.sqlite\.tmp-\d+\)\. Every commit is kept in the commit log/,
  );
  await child.cli.waitFor(/\[convex-lens\] Convex Lens could not save the log file: .*logs\.sqlite.*Function logs are kept in memory/);
  // Repeated failures (a retry, more commits) are not printed again.
  for (let seq = 3; seq < 6; seq++) assert.equal((await put(child, seq)).status, "success");
  await poll(() => (count(child.cli.output(), /Saving|could not save/) >= 2 ? true : undefined), "the failure lines");
  for (const name of ["data.sqlite", "logs.sqlite"]) rmSync(join(dataDir, name), { recursive: true, force: true });
  await child.cli.waitFor(/\[convex-lens\] Saving the database file works again/, 60_000);
  await child.cli.waitFor(/\[convex-lens\] Saving the log file works again/, 60_000);
  assert.equal(count(child.cli.output(), /could not save the database file/), 1, child.cli.output());
  assert.equal(count(child.cli.output(), /could not save the log file/), 1, child.cli.output());
  assert.equal(await child.stop(), 0);
  assert.ok(statSync(join(dataDir, "data.sqlite")).isFile());
  tally.notes.push("a database file and a log file that cannot be saved: one CLI line each when it starts, one when it works again");
});

test("a stale lock whose pid now belongs to another process does not block the start; a live owner's lock does", async () => {
  // Before: any live process with the lock's pid blocked the start, forever after a crash.
  const dataDir = newDataDir();
  mkdirSync(dataDir, { recursive: true });
  const lock = join(dataDir, "convex-lens.lock");
  const lockOf = (started: string | undefined) =>
    writeFileSync(
      lock,
      JSON.stringify({ pid: process.pid, since: new Date().toISOString(), ...(started === undefined ? {} : { started }) }),
    );

  // The pid is alive (this test process), but it started at another time than the lock's owner.
  lockOf("1");
  tally.faultsInjected++;
  const child = await serve(dataDir);
  const written = JSON.parse(readFileSync(lock, "utf8")) as { pid: number; started?: string };
  assert.equal(written.pid, child.pid);
  assert.equal(written.started, processStartTime(child.pid));
  const code = await child.stop();
  assert.equal(code, 0, `${child.cli.child.signalCode} ${child.cli.output()}`);

  // The control: the same pid with its real start time is a live owner, and so is an old lock
  // without a start time (nothing tells them apart from a live owner).
  for (const started of [processStartTime(process.pid)!, undefined]) {
    lockOf(started);
    assert.match(await refusedStart(dataDir), new RegExp(`is in use by another Convex Lens runtime \\(process ${process.pid}\\)`));
  }
  rmSync(lock);
  tally.notes.push("a lock whose pid was reused by another process is taken over; a live owner's lock still refuses");
});

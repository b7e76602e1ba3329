// kill -9 in the middle of a stream of mutations, many times over one data folder: after every
// restart, each mutation that was acknowledged (HTTP 200) is there, each acknowledged delete is
// gone, counters are at least as high as their last acknowledged value, and the database opens
// without a complaint. The stream mixes the function API and an HTTP action, 1 to 8 requests in
// flight, and pauses now and then so that checkpoints (snapshot + log truncation) happen between
// kills as well as plain commit-log appends.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../../runtime/store/sqlite-store";
import { recordFigures, Tally } from "./figures";
import { callApi, copyFixture, delay, Rng, startServe, valueOfCall, type ServeChild } from "./support";

const SEED = 0x5eed_c0de;
const ROUNDS = 25;

interface Ack {
  round: number;
  seq: number;
  value: string;
}

const tally = new Tally();
const project = copyFixture("faults-app");
const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-crash-"));
let child: ServeChild | null = null;

after(async () => {
  await child?.kill9();
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** What the runtime must still have: every acknowledged write, minus acknowledged deletes. */
class Expected {
  readonly present = new Map<string, Ack>();
  readonly deleted = new Set<string>();
  /** Ids whose delete was in flight at a kill: either state is right. */
  readonly uncertain = new Set<string>();
  readonly counters = new Map<string, number>();

  /** The acknowledged facts missing from `rows` and the counters, one line each. */
  async lostIn(rows: Array<[string, number, number, string]>, counter: (name: string) => Promise<number>): Promise<string[]> {
    const found = new Map(rows.map(([id, round, seq, value]) => [id, { round, seq, value }]));
    const lost: string[] = [];
    for (const [id, ack] of this.present) {
      if (this.uncertain.has(id)) continue;
      const row = found.get(id);
      if (!row) lost.push(`acknowledged insert ${id} (round ${ack.round}, #${ack.seq}) is missing`);
      else if (row.value !== ack.value || row.seq !== ack.seq)
        lost.push(`${id} has ${JSON.stringify(row)}, acknowledged ${JSON.stringify(ack)}`);
    }
    for (const id of this.deleted) if (found.has(id)) lost.push(`acknowledged delete of ${id} was undone`);
    for (const [name, atLeast] of this.counters) {
      const value = await counter(name);
      if (value < atLeast) lost.push(`counter ${name} is ${value}, acknowledged ${atLeast}`);
    }
    return lost;
  }
}

async function checkAgainst(serve: ServeChild, expected: Expected): Promise<string[]> {
  const rows = await valueOfCall<Array<[string, number, number, string]>>(serve.api, "query", "writes:all");
  tally.requestsSent += 1 + expected.counters.size;
  return expected.lostIn(rows, (name) => valueOfCall<number>(serve.api, "query", "writes:counter", { name }));
}

/**
 * Streams writes until `stop` resolves; records only what was acknowledged with a 200. With
 * `quietAfter`, every lane stops for `quietMs` once that many requests went out, so that the
 * debounced checkpoint (1 s after the last commit) rewrites the snapshot and empties the log, and
 * then the stream goes on into a fresh log.
 */
async function stream(
  serve: ServeChild,
  round: number,
  rng: Rng,
  expected: Expected,
  stop: Promise<void>,
  quiet: { after: number; ms: number } | null,
): Promise<void> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  let seq = 0;
  let gate: Promise<void> | null = null;
  const inFlight = rng.between(1, 8);
  const lane = async (laneRng: Rng) => {
    while (!stopped) {
      const n = seq++;
      if (quiet && n === quiet.after) gate = delay(quiet.ms);
      if (gate !== null) await gate;
      if (stopped) return;
      const pick = laneRng.next();
      tally.requestsSent++;
      try {
        if (pick < 0.55) {
          const value = `r${round}-n${n}-${laneRng.int(1e9).toString(36)}`;
          const outcome = await callApi(serve.api, "mutation", "writes:put", { round, seq: n, value });
          if (outcome.httpStatus === 200 && outcome.status === "success")
            expected.present.set(outcome.value as string, { round, seq: n, value });
        } else if (pick < 0.75) {
          const value = `r${round}-h${n}`;
          const response = await fetch(`${serve.site}/write`, { method: "POST", body: JSON.stringify({ round, seq: n, value }) });
          if (response.status === 200) {
            const { id } = (await response.json()) as { id: string };
            expected.present.set(id, { round, seq: n, value });
          }
        } else if (pick < 0.9) {
          const name = `c${laneRng.int(3)}`;
          const outcome = await callApi(serve.api, "mutation", "writes:bump", { name });
          if (outcome.httpStatus === 200) expected.counters.set(name, Math.max(expected.counters.get(name) ?? 0, outcome.value as number));
        } else {
          const candidates = [...expected.present.keys()].filter((id) => !expected.deleted.has(id) && !expected.uncertain.has(id));
          if (candidates.length === 0) continue;
          const id = laneRng.pick(candidates);
          expected.uncertain.add(id);
          const outcome = await callApi(serve.api, "mutation", "writes:remove", { id });
          if (outcome.httpStatus === 200) {
            expected.uncertain.delete(id);
            expected.present.delete(id);
            expected.deleted.add(id);
          }
        }
      } catch {
        // The process was killed under this request: its outcome is unknown, and not counted.
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, i) => lane(new Rng(rng.seed * 31 + round * 7 + i))));
}

test(`kill -9 during a stream of mutations, ${ROUNDS} times: every acknowledged write survives`, async () => {
  const rng = new Rng(SEED);
  const expected = new Expected();
  const modes = { acks: 0, time: 0, checkpoint: 0 };
  const complaints = /could not be opened|is damaged|could not be applied|StoreFileError|not one written by Convex Lens/;
  // Each killed runtime leaves its build folder in the project; the next start removes it.
  const builds = join(project, ".convex-lens", "build");
  let buildsLeft = 0;
  for (let round = 0; round < ROUNDS; round++) {
    child = await startServe(project, dataDir);
    assert.doesNotMatch(child.cli.output(), complaints, `round ${round}: the database opened with a complaint`);
    const lost = await checkAgainst(child, expected);
    tally.dataLost += lost.length;
    assert.deepEqual(lost, [], `round ${round}: acknowledged data lost after kill -9`);

    // Kill after a random number of acknowledged writes, or after a random time, or after a quiet
    // spell that lets a checkpoint run and some more writes: whichever the seed picks, with the
    // other requests still in flight.
    const mode = rng.pick(["acks", "time", "checkpoint"] as const);
    const killAfterAcks = rng.between(1, 60);
    const killAfterMs = rng.between(20, 700);
    const quiet = mode === "checkpoint" ? { after: rng.between(3, 30), ms: rng.between(1000, 1300) } : null;
    modes[mode]++;
    const acksBefore = expected.present.size + expected.deleted.size;
    const serve = child;
    const killed = (async () => {
      if (mode === "time") await delay(killAfterMs);
      else {
        const target = killAfterAcks + (quiet ? quiet.after : 0);
        for (let i = 0; i < 2000 && expected.present.size + expected.deleted.size - acksBefore < target; i++) await delay(5);
      }
      await serve.kill9();
    })();
    await stream(serve, round, new Rng(SEED + round), expected, killed, quiet);
    await killed;
    buildsLeft += existsSync(builds) ? readdirSync(builds).length : 0;
    tally.faultsInjected++;
    tally.runs++;
    child = null;
  }

  // A last start: everything is there; a clean stop writes the snapshot; the file opens on its own.
  child = await startServe(project, dataDir);
  const lost = await checkAgainst(child, expected);
  tally.dataLost += lost.length;
  assert.deepEqual(lost, []);
  assert.equal(await child.stop(), 0, "SIGTERM stops cleanly");
  child = null;
  const store = await Store.open({ file: join(dataDir, "data.sqlite") });
  try {
    const read = await store.beginRead();
    try {
      for (const [id] of expected.present) {
        if (!expected.uncertain.has(id)) assert.ok(read.get(id), `${id} is in the database file`);
      }
      for (const id of expected.deleted) assert.equal(read.get(id), null);
      tally.notes.push(
        `${read.count("writes")} documents in the writes table after the last round, ${expected.present.size} of them acknowledged inserts`,
      );
    } finally {
      read.end();
    }
  } finally {
    await store.close();
  }
  assert.deepEqual(existsSync(builds) ? readdirSync(builds) : [], [], "build folders of killed runtimes are gone");
  const leftovers = readdirSync(dataDir).filter((name) => name.includes(".tmp-"));
  tally.notes.push(
    `${expected.present.size + expected.deleted.size} acknowledged inserts and deletes, ${expected.counters.size} counters, checked after each of ${tally.runs} restarts`,
    `kills: ${modes.acks} after a number of acknowledged writes, ${modes.time} after a random time, ${modes.checkpoint} after a quiet spell (checkpoint) and more writes`,
    `${buildsLeft} build folders left in the project by killed runtimes, all removed at the next start`,
    `data folder after the run: ${readdirSync(dataDir).sort().join(", ")}${leftovers.length ? ` (${leftovers.length} snapshot temp file(s) left by kills during a checkpoint)` : ""}`,
  );
});

test("a second serve on the same data folder is refused (two runtimes on one folder lost writes)", async () => {
  // Before the lock, both served, each from its own copy of the database, and the last one to
  // checkpoint overwrote the other's acknowledged writes: 20 of 40 were gone after a restart.
  const folder = mkdtempSync(join(tmpdir(), "convex-lens-twice-"));
  const first = await startServe(project, folder);
  try {
    await assert.rejects(startServe(project, folder), (error: Error) => {
      assert.match(error.message, /exited with code 1 before serving/);
      assert.match(
        error.message,
        new RegExp(
          `convex-lens: The data folder ${folder.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in use by another Convex Lens runtime \\(process ${first.pid}\\)`,
        ),
      );
      assert.match(error.message, /Stop the other one, or give this one its own folder \(--data <folder>\)/);
      return true;
    });
    tally.faultsInjected++;
    for (let i = 0; i < 20; i++) await valueOfCall(first.api, "mutation", "writes:put", { round: -1, seq: i, value: `only-${i}` });
    tally.requestsSent += 20;
  } finally {
    assert.equal(await first.stop(), 0);
  }
  // Its lock is released on a clean stop (and taken over after a kill -9, as the rounds above show).
  const again = await startServe(project, folder);
  try {
    assert.equal((await valueOfCall<unknown[]>(again.api, "query", "writes:all")).length, 20);
  } finally {
    await again.stop();
    rmSync(folder, { recursive: true, force: true });
  }
  tally.notes.push("a second `serve` on a data folder in use exits with a message naming the folder and the process holding it");
});

after(async () => {
  await recordFigures("crash-safety", {
    title: "kill -9 mid-stream, restart on the same data folder: every acknowledged mutation is there",
    tally,
    seed: SEED,
  });
});

// convex/crons.ts through the real runtime (startServing, as `convex-lens serve` runs it): jobs
// run on schedule as executions with the caller "cron" and no identity, their state lives in
// `_cron_jobs`, a restart follows the backend's missed-run rule, reloads reconcile the jobs.
// Waits poll for what happened, with generous bounds; nothing asserts how long anything took.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServing, type Serving } from "../../runtime/serve";
import { Store } from "../../runtime/store/sqlite-store";
import type { CronJobSnapshot } from "../../runtime/scheduler/cron-service";
import { CRON_JOBS_TABLE } from "../../runtime/scheduler/cron-docs";
import { copyFixture } from "../helpers/cli-process";
import { waitFor } from "./scheduler-client";

const WAIT_MS = 30_000;

async function serve(projectDir: string, dataDir: string): Promise<Serving> {
  return startServing({ projectDir, dataDir, env: {}, port: 0, apiPort: 0 });
}

function job(serving: Serving, identifier: string): CronJobSnapshot | undefined {
  return serving.crons.list().find((entry) => entry.job.component === "" && entry.job.name === identifier);
}

async function call<T>(serving: Serving, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const outcome = await serving.runtime.runFunction(name, args as never);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.value as T;
}

interface RunRow {
  label: string;
  at: number;
  identity: unknown;
}

function cronExecutions(serving: Serving) {
  return serving.runtime.logs
    .select("SELECT identifier, udf_type, caller, outcome, error_message, started_at FROM executions WHERE caller = 'cron' ORDER BY rowid")
    .map((row) => ({
      identifier: String(row.identifier),
      udfType: String(row.udf_type),
      outcome: row.outcome === null ? null : String(row.outcome),
      error: row.error_message === null ? null : String(row.error_message),
    }));
}

function setup(): { projectDir: string; dataDir: string; cleanup(): void } {
  const projectDir = copyFixture("crons-app");
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-crons-"));
  return {
    projectDir,
    dataDir,
    cleanup() {
      rmSync(projectDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

test("interval jobs run on schedule, mutation and action, as cron executions without an identity", async () => {
  const { projectDir, dataDir, cleanup } = setup();
  const serving = await serve(projectDir, dataDir);
  try {
    // Jobs exist as soon as serving starts; an interval job's first run is its creation.
    assert.deepEqual(
      serving.crons.list().map((entry) => entry.job.name),
      ["nightly cleanup", "record every 2s", "report every 3s"],
    );
    await waitFor(
      async () => (await call<RunRow[]>(serving, "jobs:runs", { label: "interval" })).length >= 2,
      WAIT_MS,
      () => "two runs of the interval job",
    );
    const rows = await call<RunRow[]>(serving, "jobs:runs", { label: "interval" });
    assert.ok(
      rows.every((row) => row.identity === null),
      "cron runs have no identity",
    );

    await waitFor(
      () => (job(serving, "report every 3s")?.runs.length ?? 0) >= 1,
      WAIT_MS,
      () => "a run of the action job",
    );
    const report = job(serving, "report every 3s")!;
    assert.deepEqual(report.runs[0]!.status, { type: "success", result: '"done"' });
    assert.equal(
      report.runs[0]!.logLines.logLines.some((line) => line.includes("reporting")),
      true,
    );

    const executions = cronExecutions(serving);
    assert.ok(executions.some((e) => e.identifier === "jobs:record" && e.udfType === "mutation" && e.outcome === "success"));
    assert.ok(executions.some((e) => e.identifier === "jobs:report" && e.udfType === "action" && e.outcome === "success"));

    // The stored state: the previous scheduled time and the next one, an interval apart.
    const record = job(serving, "record every 2s")!;
    assert.equal(record.job.state.type, "pending");
    assert.notEqual(record.job.prevTs, null);
    assert.equal(record.job.nextTs - record.job.prevTs!, 2000);
    assert.deepEqual(record.job.cronSpec, {
      udfPath: "jobs.js:record",
      udfArgs: '[{"label":"interval"}]',
      cronSchedule: { type: "interval", seconds: 2 },
    });
    // Runs are kept newest first, at most five per job.
    await waitFor(
      () =>
        (job(serving, "record every 2s")?.runs.length ?? 0) >= 5 &&
        cronExecutions(serving).filter((e) => e.identifier === "jobs:record").length >= 6,
      WAIT_MS,
      () => "six runs",
    );
    const runs = job(serving, "record every 2s")!.runs;
    assert.equal(runs.length, 5);
    assert.ok(runs.every((run, i) => i === 0 || run.ts < runs[i - 1]!.ts));
    // The calendar job waits for its time.
    const nightly = job(serving, "nightly cleanup")!;
    assert.equal(new Date(nightly.job.nextTs).toISOString().slice(11), "03:00:00.000Z");
    assert.equal(nightly.job.prevTs, null);
  } finally {
    await serving.close();
    cleanup();
  }
});

test("a restart later than the next run time runs the job once, then skips the missed times", async () => {
  const { projectDir, dataDir, cleanup } = setup();
  try {
    const first = await serve(projectDir, dataDir);
    let before: CronJobSnapshot;
    try {
      await waitFor(
        () => (job(first, "record every 2s")?.runs.length ?? 0) >= 1,
        WAIT_MS,
        () => "a first run",
      );
      before = job(first, "record every 2s")!;
    } finally {
      await first.close();
    }
    // Stopped across at least two more scheduled times (read back from the stored state).
    const stored = await readJobs(dataDir);
    const missed = stored.find((j) => j.name === "record every 2s")!;
    assert.equal(missed._id, before.job._id, "the job's state survived the stop");
    await waitFor(
      () => Date.now() > missed.nextTs + 4100,
      WAIT_MS,
      () => "the clock to pass two more scheduled times",
    );

    const startedAt = Date.now();
    const second = await serve(projectDir, dataDir);
    try {
      await waitFor(
        () => job(second, "record every 2s")!.runs.some((run) => run.status.type === "canceled"),
        WAIT_MS,
        () => "the skipped runs to be recorded",
      );
      const after = job(second, "record every 2s")!;
      const [ran, skipped] = [after.runs.find((run) => run.ts === missed.nextTs), after.runs.find((run) => run.status.type === "canceled")];
      // The missed time ran once, at start...
      assert.equal(ran?.status.type, "success");
      assert.equal(after.job.prevTs, missed.nextTs);
      // ...and the times after it were skipped: the next run is the first one not in the past,
      // on the job's original two-second phase.
      assert.equal((after.job.nextTs - missed.nextTs) % 2000, 0);
      assert.ok(after.job.nextTs >= startedAt);
      const count = (after.job.nextTs - missed.nextTs) / 2000 - 1;
      assert.ok(count >= 2);
      assert.deepEqual(skipped?.status, { type: "canceled", numCanceled: count });
      assert.equal(skipped?.ts, missed.nextTs + 2000);
      const rows = await call<RunRow[]>(second, "jobs:runs", { label: "interval" });
      assert.equal(
        rows.filter((row) => row.at >= startedAt && row.at < after.job.nextTs).length,
        1,
        "one catch-up run, not one per missed time",
      );
      const skippedLog = cronExecutions(second).find((e) => e.error?.startsWith("Skipping") && e.error.includes(missed._id));
      assert.deepEqual(skippedLog, {
        identifier: "jobs:record",
        udfType: "mutation",
        outcome: "failure",
        error: `Skipping ${count} run(s) of job ${missed._id} because multiple scheduled runs are in the past`,
      });
    } finally {
      await second.close();
    }
  } finally {
    cleanup();
  }
});

test("an action cut off by a stop is recorded as failed on the next start, not run again", async () => {
  const { projectDir, dataDir, cleanup } = setup();
  try {
    const first = await serve(projectDir, dataDir);
    await first.close();
    // What a process stopped during the action leaves: the job inProgress, its time passed.
    const store = await Store.open({ file: join(dataDir, "data.sqlite") });
    const tx = await store.beginWrite();
    const report = (await readJobsIn(tx)).find((j) => j.name === "report every 3s")!;
    const cutOffAt = Date.now() - 1000;
    tx.patch(report._id, { state: { type: "inProgress", requestId: "0123456789abcdef" }, nextTs: cutOffAt }, { isSystem: true });
    tx.commit();
    await store.close();

    const second = await serve(projectDir, dataDir);
    try {
      await waitFor(
        () => job(second, "report every 3s")!.runs.some((run) => run.ts === cutOffAt),
        WAIT_MS,
        () => "the cut-off run to be recorded",
      );
      const after = job(second, "report every 3s")!;
      assert.deepEqual(after.runs.find((run) => run.ts === cutOffAt)!.status, {
        type: "err",
        error: "Transient error while executing action",
      });
      assert.equal(after.job.prevTs, cutOffAt);
      assert.ok(after.job.nextTs > cutOffAt);
      assert.ok(
        cronExecutions(second).some(
          (e) => e.identifier === "jobs:report" && e.outcome === "failure" && e.error === "Transient error while executing action",
        ),
      );
    } finally {
      await second.close();
    }
  } finally {
    cleanup();
  }
});

test("reloads reconcile: a changed schedule is rescheduled, a removed job is forgotten, listeners hear of it, a failing job records its error", async () => {
  const { projectDir, dataDir, cleanup } = setup();
  const serving = await serve(projectDir, dataDir);
  try {
    await waitFor(
      () => (job(serving, "record every 2s")?.runs.length ?? 0) >= 1,
      WAIT_MS,
      () => "a first run",
    );
    const nightlyId = job(serving, "nightly cleanup")!.job._id;
    let told = 0;
    const unsubscribe = serving.crons.subscribe(() => (told += 1));
    writeFileSync(
      join(projectDir, "convex", "crons.ts"),
      `import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";
const crons = cronJobs();
crons.interval("record every 2s", { hours: 1 }, internal.jobs.record, { label: "interval" });
crons.interval("fails", { seconds: 1 }, internal.jobs.fail);
export default crons;
`,
    );
    await serving.runtime.reload();
    await serving.crons.settled();
    assert.equal(serving.runtime.state.kind, "ready");
    assert.ok(told >= 1, "listeners (the functions panel) hear of the change");
    unsubscribe();
    assert.deepEqual(
      serving.crons.list().map((entry) => entry.job.name),
      ["fails", "record every 2s"],
    );
    assert.equal(
      (await readJobs(dataDir)).some((j) => j._id === nightlyId),
      false,
      "the removed job is deleted from _cron_jobs",
    );
    const record = job(serving, "record every 2s")!;
    // Rescheduled from its previous scheduled run, an hour later; its id and history stay.
    assert.equal(record.job.nextTs, record.job.prevTs! + 3_600_000);
    assert.ok(record.runs.length >= 1);

    await waitFor(
      () => (job(serving, "fails")?.runs.length ?? 0) >= 1,
      WAIT_MS,
      () => "a run of the failing job",
    );
    const failed = job(serving, "fails")!.runs[0]!;
    assert.equal(failed.status.type, "err");
    assert.match(failed.status.type === "err" ? failed.status.error : "", /the cron job failed on purpose/);
    assert.ok(cronExecutions(serving).some((e) => e.identifier === "jobs:fail" && e.outcome === "failure"));
  } finally {
    await serving.close();
    cleanup();
  }
});

test("a run still going at the job's next time is not overlapped: the job runs again after it, skipping the times that passed", async () => {
  const { projectDir, dataDir, cleanup } = setup();
  writeFileSync(
    join(projectDir, "convex", "crons.ts"),
    `import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";
const crons = cronJobs();
crons.interval("slow", { seconds: 1 }, internal.jobs.slow, { ms: 2500 });
export default crons;
`,
  );
  const serving = await serve(projectDir, dataDir);
  try {
    await waitFor(
      () => (job(serving, "slow")?.runs.filter((run) => run.status.type === "success").length ?? 0) >= 2,
      WAIT_MS,
      () => "two runs of the slow job",
    );
    const runs = job(serving, "slow")!.runs;
    // Each 2.5 s run ended after the next one-second times had passed: they were skipped.
    const skipped = runs.filter((run) => run.status.type === "canceled");
    assert.ok(skipped.length >= 1 && skipped.every((run) => run.status.type === "canceled" && run.status.numCanceled >= 1));
    const executions = serving.runtime.logs
      .select(
        "SELECT started_at, duration_ms FROM executions WHERE identifier = 'jobs:slow' AND duration_ms IS NOT NULL ORDER BY started_at",
      )
      .map((row) => ({ start: Number(row.started_at), end: Number(row.started_at) + Number(row.duration_ms) }));
    assert.ok(executions.length >= 2);
    for (let i = 1; i < executions.length; i++) assert.ok(executions[i]!.start >= executions[i - 1]!.end, "runs of one job never overlap");
  } finally {
    await serving.close();
    cleanup();
  }
});

test("a crons.ts the backend would refuse fails the load with its words; the jobs stay as they were", async () => {
  const { projectDir, dataDir, cleanup } = setup();
  const serving = await serve(projectDir, dataDir);
  try {
    const cronsFile = join(projectDir, "convex", "crons.ts");
    const cases: Array<[string, RegExp]> = [
      ["export default {};\n", /The default export of `convex\/crons\.js` is not a Crons object\./],
      [
        `import { cronJobs } from "convex/server";\nimport { api } from "./_generated/api";\nconst crons = cronJobs();\ncrons.interval("reads", { minutes: 1 }, api.jobs.list);\nexport default crons;\n`,
        /The cron job "reads" runs jobs\.js:list, which is a query: a cron job runs a mutation or an action\./,
      ],
      [
        `import { cronJobs } from "convex/server";\nimport { internal } from "./_generated/api";\nconst crons = cronJobs();\ncrons.cron("sundays", "0 12 * * 7", internal.jobs.report);\nexport default crons;\n`,
        /Failed to parse cron expression: "0 12 \* \* 7" \(cron job "sundays"\)/,
      ],
    ];
    for (const [source, message] of cases) {
      writeFileSync(cronsFile, source);
      await serving.runtime.reload();
      const state = serving.runtime.state;
      assert.equal(state.kind, "build-failed", source);
      const text = state.kind === "build-failed" ? state.errors.map((e) => `${e.file}: ${e.text}`).join("\n") : "";
      assert.match(text, message);
      assert.match(text, /crons\.ts/);
    }
    await serving.crons.settled();
    assert.deepEqual(
      serving.crons.list().map((entry) => entry.job.name),
      ["nightly cleanup", "record every 2s", "report every 3s"],
    );
  } finally {
    await serving.close();
    cleanup();
  }
});

interface StoredJob {
  _id: string;
  name: string;
  nextTs: number;
}

async function readJobs(dataDir: string): Promise<StoredJob[]> {
  const store = await Store.open({ file: join(dataDir, "data.sqlite") });
  try {
    const tx = await store.beginRead();
    try {
      return await readJobsIn(tx);
    } finally {
      tx.end();
    }
  } finally {
    await store.close();
  }
}

async function readJobsIn(tx: Awaited<ReturnType<Store["beginRead"]>>): Promise<StoredJob[]> {
  const batch = tx.queryBatch({ source: { type: "FullTableScan", tableName: CRON_JOBS_TABLE, order: "asc" }, operators: [] }, null, 100, {
    isSystem: true,
  });
  return batch.docs as unknown as StoredJob[];
}

// The functions panel's cron jobs, host side, over a real runtime serving the crons-app fixture:
// the list it shows, and "Run now", which runs the job's function as the schedule would (caller
// "cron", no identity, the job's arguments) without moving the schedule.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  handleFunctionsRequest,
  panelState,
  type FunctionsEffects,
  type FunctionsSource,
} from "../../extension/panels/functions-panel-requests";
import { cronCatalog } from "../../runtime/inspect";
import type { CronJobSnapshot } from "../../runtime/scheduler/cron-service";
import type { CronRunLog } from "../../runtime/scheduler/cron-docs";
import type { FunctionsRequest } from "../../webview/protocol/functions";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;

test.before(async () => {
  server = await serveFixture("crons-app");
});
test.after(() => server.stop());

const live = (): FunctionsSource => ({
  session: { state: server.runtime.state, serving: { runtime: server.runtime, crons: server.crons } },
});

const effects: FunctionsEffects = {
  openRoute: async () => undefined,
  copyText: async () => undefined,
  confirm: async () => true,
  download: async () => true,
};

let nextId = 1;
const ask = <T extends FunctionsRequest["type"]>(message: Omit<Extract<FunctionsRequest, { type: T }>, "id"> & { type: T }) =>
  handleFunctionsRequest({ ...message, id: nextId++ } as Extract<FunctionsRequest, { type: T }>, live(), effects);

test("the panel lists every cron job with its function, schedule in words and next run", () => {
  const { crons } = panelState(live());
  assert.deepEqual(
    crons.map((c) => [c.component, c.identifier, c.functionName, c.udfType, c.schedule, c.args]),
    [
      ["", "nightly cleanup", "jobs:record", "mutation", "Daily at 03:00 UTC", '{\n  "label": "nightly"\n}'],
      ["", "record every 2s", "jobs:record", "mutation", "Every 2 seconds", '{\n  "label": "interval"\n}'],
      ["", "report every 3s", "jobs:report", "action", "Every 3 seconds", "{}"],
    ],
  );
  const nightly = crons.find((c) => c.identifier === "nightly cleanup")!;
  assert.equal(new Date(nightly.nextRun).toISOString().slice(11), "03:00:00.000Z");
  assert.ok(nightly.nextRun > Date.now());
  assert.equal(nightly.lastRun, null);
});

test("Run now runs the job's function with its arguments as a cron run, and leaves the schedule alone", async () => {
  const before = server.crons.list().find((entry) => entry.job.name === "nightly cleanup")!;
  const run = await ask({ type: "runCron", component: "", identifier: "nightly cleanup" });
  assert.equal(run.outcome, "success");
  assert.equal(run.error, null);
  assert.deepEqual(
    run.executions.map((e) => [e.identifier, e.udfType, e.outcome, e.lines.map((l) => l.message)]),
    [["jobs:record", "mutation", "success", ["'recorded' 'nightly'"]]],
  );
  assert.deepEqual(
    server.runtime.logs.listExecutions({ requestId: run.requestId }).map((e) => [e.identifier, e.caller]),
    [["jobs:record", "cron"]],
    "recorded as a cron execution",
  );
  const rows = await server.runtime.runFunction("jobs:runs", { label: "nightly" });
  assert.ok(rows.ok);
  assert.deepEqual(
    (rows.value as Array<{ identity: unknown }>).map((row) => row.identity),
    [null],
    "no identity, as a scheduled run",
  );

  const after = server.crons.list().find((entry) => entry.job.name === "nightly cleanup")!;
  assert.equal(after.job.nextTs, before.job.nextTs);
  assert.equal(after.job.prevTs, before.job.prevTs);
  const entry = panelState(live()).crons.find((c) => c.identifier === "nightly cleanup")!;
  assert.equal(entry.lastRun?.outcome, "success");
  assert.equal(entry.lastRun?.manual, true);
});

test("Run now of a job that does not exist, or a malformed request, fails with a message", async () => {
  await assert.rejects(
    ask({ type: "runCron", component: "", identifier: "no such job" }),
    /There is no cron job "no such job" \(any more\)/,
  );
  await assert.rejects(ask({ type: "runCron", component: "", identifier: 7 as never }), /malformed "runCron"/);
  await assert.rejects(
    handleFunctionsRequest(
      { type: "runCron", id: nextId++, component: "", identifier: "x" },
      { session: { state: { kind: "stopped" }, serving: null } },
      effects,
    ),
    /stopped/,
  );
});

test("the last run skips over skip records and counts the missed runs after it", () => {
  const job = server.crons.list().find((entry) => entry.job.name === "record every 2s")!.job;
  const run = (ts: number, status: CronRunLog["status"], manual = false): CronRunLog => ({
    _id: `r${ts}`,
    _creationTime: ts,
    component: "",
    name: job.name,
    ts,
    udfPath: job.cronSpec.udfPath,
    udfArgs: job.cronSpec.udfArgs,
    status,
    logLines: { logLines: [], isTruncated: false },
    executionTime: 0,
    manual,
  });
  const snapshot = (runs: CronRunLog[]): CronJobSnapshot[] => [{ job, running: false, runs }];
  const [skipped] = cronCatalog(
    snapshot([run(3000, { type: "canceled", numCanceled: 4 }), run(1000, { type: "err", error: "Uncaught Error: boom" })]),
    server.runtime.project,
  );
  assert.deepEqual(skipped!.lastRun, { at: 1000, outcome: "failure", error: "Uncaught Error: boom", manual: false, skipped: 4 });
  const [plain] = cronCatalog(
    snapshot([run(5000, { type: "success", result: "null" }, true), run(3000, { type: "canceled", numCanceled: 4 })]),
    null,
  );
  assert.deepEqual(plain!.lastRun, { at: 5000, outcome: "success", error: null, manual: true, skipped: 0 });
  assert.equal(plain!.udfType, null, "without loaded code the function's kind is unknown");
});

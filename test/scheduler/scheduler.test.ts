// ctx.scheduler through the real runtime: jobs are `_scheduled_functions` documents, armed when
// the scheduling transaction commits, run without identity, with the backend's states and texts.
// One server for the file; every test uses its own labels.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { encodeId } from "../../runtime/store/ids";
import { SchedulerClient, waitFor } from "./scheduler-client";

let server: FixtureServer;
let client: SchedulerClient;

before(async () => {
  server = await serveFixture("scheduler-app");
  client = new SchedulerClient(server);
});
after(async () => {
  await server.stop();
});

describe("mutations schedule", () => {
  test("runAfter(0) runs the job right after the commit; its document is visible through db.system", async () => {
    const id = await client.call<string>("jobs:scheduleRecord", { label: "zero", delayMs: 0 });
    const done = await client.waitForState(id, "success");
    assert.deepEqual(await client.runs("zero").then((rows) => rows.length), 1);
    assert.equal(done._id, id);
    assert.equal(done.name, "jobs.js:record");
    assert.deepEqual(done.args, [{ label: "zero" }]);
    assert.equal(typeof done._creationTime, "number");
    assert.equal(typeof done.completedTime, "number");
    assert.ok(done.completedTime! >= done.scheduledTime);
    assert.ok(
      (await client.allJobs()).some((job) => job._id === id),
      "db.system.query lists the job",
    );
  });

  test("runAfter(200) runs after about 200 ms, not before", async () => {
    const before = Date.now();
    const id = await client.call<string>("jobs:scheduleRecord", { label: "delayed", delayMs: 200 });
    const seen = await client.job(id);
    const seenBy = Date.now();
    assert.ok(seen);
    assert.ok(seen.scheduledTime >= before + 200);
    // Read before its time (the usual case, unless this machine is very busy): still waiting.
    if (seenBy < seen.scheduledTime) assert.equal(seen.state.kind, "pending");
    await client.waitForState(id, "success");
    const [run] = await client.runs("delayed");
    assert.ok(run!.at >= seen.scheduledTime, `ran ${seen.scheduledTime - run!.at} ms early`);
    assert.ok(run!.at < seen.scheduledTime + 2000, `ran ${run!.at - seen.scheduledTime} ms late`);
  });

  test("runAt in the past runs as soon as possible and keeps the time it was asked for", async () => {
    const at = Date.now() - 60_000;
    const id = await client.call<string>("jobs:scheduleRecordAt", { label: "past", at });
    const done = await client.waitForState(id, "success");
    assert.equal(done.scheduledTime, at);
  });

  test("a mutation that throws after scheduling schedules nothing", async () => {
    const message = await client.failure("jobs:scheduleThenThrow", { label: "thrown" });
    assert.match(message, /failed after scheduling/);
    // A job scheduled later runs later: once it has run, the thrown one would have too.
    const sentinel = await client.call<string>("jobs:scheduleRecord", { label: "thrown-sentinel", delayMs: 0 });
    await client.waitForState(sentinel, "success");
    assert.deepEqual(await client.runs("thrown"), []);
    assert.ok(!(await client.allJobs()).some((job) => JSON.stringify(job.args).includes('"thrown"')));
  });

  test("a job scheduled in a nested mutation that rolled back is gone; the outer one runs", async () => {
    const outer = await client.call<string>("jobs:scheduleInFailedNested", { label: "nested" });
    await client.waitForState(outer, "success");
    assert.equal((await client.runs("nested-outer")).length, 1);
    assert.deepEqual(await client.runs("nested"), []);
    assert.ok(!(await client.allJobs()).some((job) => JSON.stringify(job.args) === '[{"label":"nested"}]'));
  });

  test("a job that reschedules itself runs three times, in order", async () => {
    await client.call("jobs:startChain", { label: "chain" });
    await waitFor(
      async () => (await client.runs("chain")).length === 3,
      10_000,
      () => "three chain runs",
    );
    assert.deepEqual(
      (await client.runs("chain")).map((run) => run.n),
      [1, 2, 3],
    );
    const chainJobs = (await client.allJobs()).filter((job) => job.name === "jobs.js:chain");
    assert.equal(chainJobs.length, 3);
    await waitFor(
      async () => (await client.allJobs()).filter((j) => j.name === "jobs.js:chain" && j.state.kind === "success").length === 3,
    );
  });

  test("more than 5 years ahead is refused with the backend's message", async () => {
    const message = await client.failure("jobs:scheduleRecordAt", { label: "far", at: Date.now() + 6 * 366 * 24 * 3600 * 1000 });
    assert.match(message, /^Uncaught Error: UnixTimestamp\([0-9.]+s\) is more than 5 years in the future/);
  });
});

describe("cancel", () => {
  test("a canceled job is canceled and never runs", async () => {
    // The sentinel is due after the canceled job: once it has run, the canceled one would have too.
    const id = await client.call<string>("jobs:scheduleRecord", { label: "canceled", delayMs: 1000 });
    const sentinel = await client.call<string>("jobs:scheduleRecord", { label: "canceled-sentinel", delayMs: 1000 });
    await client.call("jobs:cancel", { id });
    const canceled = await client.job(id);
    assert.equal(canceled?.state.kind, "canceled");
    assert.equal(typeof canceled.completedTime, "number");
    await client.waitForState(sentinel, "success");
    assert.deepEqual(await client.runs("canceled"), []);
    assert.equal((await client.job(id))?.state.kind, "canceled");
  });

  test("an action can cancel a job too", async () => {
    const id = await client.call<string>("jobs:scheduleRecord", { label: "canceled-by-action", delayMs: 60_000 });
    await client.call("jobs:cancelFromAction", { id });
    assert.equal((await client.job(id))?.state.kind, "canceled");
  });

  test("canceling a finished job, or an id of no job, does nothing; a bad id is an argument error", async () => {
    const id = await client.call<string>("jobs:scheduleRecord", { label: "cancel-finished", delayMs: 0 });
    await client.waitForState(id, "success");
    await client.call("jobs:cancel", { id });
    assert.equal((await client.job(id))?.state.kind, "success");
    await client.call("jobs:cancel", { id: encodeId(1) });
    assert.match(
      await client.failure("jobs:cancel", { id: "not-an-id" }),
      /Invalid argument `id` for `db\.cancel_job`: Unable to decode ID/,
    );
    assert.match(
      await client.failure("jobs:cancel", { id: encodeId(10001) }),
      /Invalid argument `id` for `db\.cancel_job`: .* is not an ID of the _scheduled_functions table/,
    );
  });
});

describe("actions as jobs", () => {
  test("an action job goes pending → inProgress → success", async () => {
    const id = await client.call<string>("jobs:scheduleWaitForGate", { gate: "gate-a" });
    await client.waitForState(id, "inProgress");
    assert.deepEqual(await client.runs("gate-a"), [], "the action is still waiting for its gate");
    await client.call("jobs:openGate", { name: "gate-a" });
    await client.waitForState(id, "success");
    assert.equal((await client.runs("gate-a")).length, 1);
    await waitFor(
      async () => (await client.runs("gate-a-followup")).length === 1,
      10_000,
      () => "the action's follow-up job",
    );
  });

  test("a running action that is canceled finishes, stays canceled, and what it schedules is canceled", async () => {
    const ended = new Promise<void>((resolve) => {
      const stop = server.runtime.events.listen({
        onEnd: (_end, start) => {
          if (start?.identifier === "jobs:waitForGate" && start.caller === "scheduler") {
            stop();
            resolve();
          }
        },
      });
    });
    const id = await client.call<string>("jobs:scheduleWaitForGate", { gate: "gate-b" });
    await client.waitForState(id, "inProgress");
    await client.call("jobs:cancel", { id });
    await client.call("jobs:openGate", { name: "gate-b" });
    await ended;
    assert.equal((await client.runs("gate-b")).length, 1, "it kept running");
    // Mutation jobs queue behind the action's completion write: once this one ran, that is done.
    await client.waitForState(await client.call<string>("jobs:scheduleRecord", { label: "gate-b-sentinel", delayMs: 0 }), "success");
    assert.equal((await client.job(id))?.state.kind, "canceled");
    const followup = (await client.allJobs()).find((job) => JSON.stringify(job.args) === '[{"label":"gate-b-followup"}]');
    assert.equal(followup?.state.kind, "canceled");
    assert.deepEqual(await client.runs("gate-b-followup"), []);
  });
});

describe("failures", () => {
  test("a job that throws ends failed with the error text", async () => {
    const id = await client.call<string>("jobs:scheduleFail");
    const failed = await client.waitForState(id, "failed");
    assert.match(failed.state.error!, /^Uncaught Error: job failed on purpose\n/);
    assert.match(failed.state.error!, /\n$/);
    assert.equal(typeof failed.completedTime, "number");
  });

  test("scheduling a function that does not exist is refused with the backend's messages", async () => {
    assert.equal(
      await client.failure("jobs:scheduleByName", { name: "jobs:nope" }),
      "Uncaught Error: Attempted to schedule function, but no exported function nope found in the file: jobs.js. Did you forget to export it?",
    );
    assert.equal(
      await client.failure("jobs:scheduleByName", { name: "nowhere:fn" }),
      "Uncaught Error: Attempted to schedule function at nonexistent path: nowhere.js",
    );
  });

  test("a scheduled query fails when it is due", async () => {
    const id = await client.call<string>("jobs:scheduleQuery");
    const failed = await client.waitForState(id, "failed");
    assert.match(failed.state.error!, /^Unsupported function type\. "runs" in module "jobs\.js" is defined as a Query\./);
  });
});

describe("callers", () => {
  test("an action schedules a job; it runs even if the action then fails", async () => {
    const id = await client.call<string>("jobs:scheduleFromAction", { label: "from-action" });
    await client.waitForState(id, "success");
    assert.match(await client.failure("jobs:scheduleThenFailAction", { label: "from-failed-action" }), /action failed after scheduling/);
    await waitFor(
      async () => (await client.runs("from-failed-action")).length === 1,
      10_000,
      () => "the failed action's job",
    );
  });

  test("an HTTP action schedules a job, which runs without the caller's identity", async () => {
    const response = await server.get("/schedule?label=from-http", {
      method: "POST",
      headers: { authorization: "Bearer not-a-valid-token" },
    });
    assert.equal(response.status, 200);
    const { id } = (await response.json()) as { id: string };
    await client.waitForState(id, "success");
    const [run] = await client.runs("from-http");
    assert.equal(run?.identity, null);
  });

  test("jobs run without identity even when the scheduling mutation had a token", async () => {
    const id = await client.call<string>("jobs:scheduleRecord", { label: "anonymous", delayMs: 0 }, { authToken: "not-a-valid-token" });
    // With the caller's token the job's getUserIdentity() would throw and the job would fail.
    await client.waitForState(id, "success");
    assert.equal((await client.runs("anonymous"))[0]?.identity, null);
  });
});

// Jobs live in the database: a restart picks up where the previous process stopped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { serveFixture } from "../helpers/serve-fixture";
import { Store } from "../../runtime/store/sqlite-store";
import { SchedulerClient, waitFor } from "./scheduler-client";

const DAY_MS = 24 * 60 * 60 * 1000;

test("after a restart: pending jobs run, cut-off actions fail, old completed jobs are collected", async () => {
  const first = await serveFixture("scheduler-app");
  const dataDir = first.dataDir;
  let pendingId: string;
  let actionId: string;
  try {
    const client = new SchedulerClient(first);
    pendingId = await client.call<string>("jobs:scheduleRecord", { label: "survivor", delayMs: 3000 });
    // Far enough away not to start in this process; below it is made to look cut off mid-run.
    actionId = await client.call<string>("jobs:scheduleWaitForGate", { gate: "never-opened", delayMs: 3_600_000 });
    assert.equal((await client.job(pendingId))?.state.kind, "pending");
  } finally {
    await first.stop({ removeData: false });
  }

  // What a process killed mid-action leaves behind, plus a job completed 8 days ago.
  const store = await Store.open({ file: join(dataDir, "data.sqlite") });
  const tx = await store.beginWrite();
  tx.patch(actionId, { state: { kind: "inProgress" } }, { isSystem: true });
  const oldTime = Date.now() - 8 * DAY_MS;
  const oldId = tx.insert(
    "_scheduled_functions",
    { name: "jobs.js:record", args: [{ label: "old" }], scheduledTime: oldTime, completedTime: oldTime, state: { kind: "success" } },
    { isSystem: true },
  );
  tx.commit();
  await store.close();

  const second = await serveFixture("scheduler-app", { dataDir });
  try {
    const client = new SchedulerClient(second);
    await client.waitForState(pendingId, "success", 15_000);
    assert.equal((await client.runs("survivor")).length, 1);
    const action = await client.waitForState(actionId, "failed");
    assert.equal(action.state.error, "Transient error while executing action");
    await waitFor(
      async () => (await client.job(oldId)) === null,
      5000,
      () => "the expired job to be collected",
    );
  } finally {
    await second.stop();
  }
});

test("a job still running when the server stops can schedule more work, which runs after the restart", async () => {
  const first = await serveFixture("scheduler-app");
  const dataDir = first.dataDir;
  let second: Awaited<ReturnType<typeof serveFixture>> | null = null;
  try {
    const client = new SchedulerClient(first);
    // The action waits for its gate, then records a run and schedules a follow-up.
    const actionId = await client.call<string>("jobs:scheduleWaitForGate", { gate: "closing" });
    await client.waitForState(actionId, "inProgress");
    const stopping = first.stop({ removeData: false });
    // The servers close first; the scheduler then waits for its running jobs. Open the gate once
    // the site refuses connections, so the job schedules while the server is stopping.
    await waitFor(
      () =>
        fetch(first.site.url).then(
          () => false,
          () => true,
        ),
      10_000,
      () => "the site to close",
    );
    await client.call("jobs:openGate", { name: "closing" });
    await stopping;

    second = await serveFixture("scheduler-app", { dataDir });
    const restarted = new SchedulerClient(second);
    const action = await restarted.waitForState(actionId, "success");
    assert.equal(action.state.error, undefined);
    assert.equal((await restarted.runs("closing")).length, 1);
    await waitFor(
      async () => (await restarted.runs("closing-followup")).length === 1,
      15_000,
      () => "the follow-up to run after the restart",
    );
  } finally {
    await (second ?? first).stop();
  }
});

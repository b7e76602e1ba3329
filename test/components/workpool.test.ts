// @convex-dev/workpool, unchanged, through a real serve of test/fixtures/workpool-app. The component
// stores function handles to the app's functions and runs them from its own actions and mutations
// (`ctx.runMutation/runAction/runQuery(handle)`), schedules its own functions, and calls the app's
// `onComplete` mutation through a handle. Its nested batchWorker (`workpool/batchWorker`) drives
// the loop, and workpool binds its LOG_LEVEL.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { buildProject, newBuildDir } from "../../runtime/loader/index";
import { componentInits } from "../../runtime/host/component-inits";
import { FIXTURES, serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { call, documents, linesLoggedAt, waitFor } from "./published-support";

interface Completion {
  workId: string;
  label: string;
  kind: string;
  returnValue?: unknown;
  error?: string;
}

let server: FixtureServer;
let debugLines: ReturnType<typeof linesLoggedAt>;

before(async () => {
  // The app's own LOG_LEVEL: components must not see it (workpool binds its batchWorker's).
  server = await serveFixture("workpool-app", { env: { LOG_LEVEL: "DEBUG" } });
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
  debugLines = linesLoggedAt(server, "DEBUG");
});

after(async () => {
  debugLines?.stop();
  await server?.stop();
});

async function completionsOf(target: FixtureServer, count: number): Promise<Map<string, Completion>> {
  let seen: Completion[] = [];
  await waitFor(
    async () => {
      seen = await call<Completion[]>(target, "work:completions");
      return seen.length >= count;
    },
    30_000,
    () => `${count} onComplete calls (so far: ${JSON.stringify(seen)})`,
  );
  return new Map(seen.map((c) => [c.label, c]));
}

describe("enqueued work runs and onComplete gets its result", () => {
  test("a mutation, an action and a failing action enqueued from a mutation; an action enqueued from an action", async () => {
    const ids = await call<Record<string, string>>(server, "work:start");
    const fromAction = await call<string>(server, "work:startFromAction", { name: "bob" });
    const done = await completionsOf(server, 4);

    assert.deepEqual(done.get("double"), { workId: ids.double, label: "double", kind: "success", returnValue: 42 });
    assert.deepEqual(done.get("greet"), { workId: ids.greet, label: "greet", kind: "success", returnValue: "hello ada" });
    assert.deepEqual(done.get("action:bob"), { workId: fromAction, label: "action:bob", kind: "success", returnValue: "hello bob" });
    const refused = done.get("refuse")!;
    assert.equal(refused.workId, ids.refuse);
    assert.equal(refused.kind, "failed");
    assert.match(refused.error!, /this work always fails/);

    assert.deepEqual(await call(server, "work:ran"), ["double 21", "greet ada", "greet bob"]);
    for (const id of Object.values(ids)) assert.deepEqual(await call(server, "work:status", { id }), { state: "finished" });
  });

  test("the component's state: finished work is gone, and its report counts it", async () => {
    await waitFor(
      async () => (await documents(server, "workpool/work")).length === 0,
      30_000,
      () => "the work table to empty",
    );
    // The loop counts completions when it next runs.
    let state: Record<string, unknown> | undefined;
    await waitFor(
      async () => {
        state = (await documents(server, "workpool/internalState"))[0];
        return (state?.report as { completed?: number } | undefined)?.completed === 4;
      },
      30_000,
      () => `the report to count 4 completions (${JSON.stringify(state)})`,
    );
    const report = state!.report as Record<string, number>;
    assert.equal(report.succeeded, 3);
    assert.equal(report.failed, 1);
    assert.deepEqual(state!.running, []);
    // Its jobs are the component's own, in its own `_scheduled_functions`; the app has none.
    assert.ok((await documents(server, "workpool/_scheduled_functions")).length > 0);
    assert.ok((await documents(server, "workpool/batchWorker/_scheduled_functions")).length > 0);
    assert.ok(!server.runtime.store.listTables().some((table) => table.name === "_scheduled_functions"));
  });

  test("a failing action is retried after its backoff, and onComplete sees the success", async () => {
    const id = await call<string>(server, "work:startFlaky", { name: "f" });
    const done = await completionsOf(server, 5);
    assert.deepEqual(done.get("flaky:f"), { workId: id, label: "flaky:f", kind: "success", returnValue: "f worked on attempt 2" });
  });

  test("an enqueued query runs, with its result passed on", async () => {
    const id = await call<string>(server, "work:startQuery", { what: "greet ada" });
    const done = await completionsOf(server, 6);
    assert.deepEqual(done.get("query:greet ada"), { workId: id, label: "query:greet ada", kind: "success", returnValue: true });
  });
});

describe("stored handles", () => {
  test("work due later is stored with handles to the app's function and callback; canceling it calls back `canceled`", async () => {
    const id = await call<string>(server, "work:startLater");
    const [work, ...others] = (await documents(server, "workpool/work")).filter((doc) => doc._id === id);
    assert.equal(others.length, 0);
    assert.equal(work!.fnName, "work:double");
    assert.match(String(work!.fnHandle), /^function:\/\/[0-9a-z]+#work:double$/);
    assert.match(String((work!.onComplete as { fnHandle: string }).fnHandle), /^function:\/\/[0-9a-z]+#work:done$/);
    assert.deepEqual(await call(server, "work:status", { id }), { state: "pending", previousAttempts: 0 });

    await call(server, "work:cancel", { id });
    const done = await completionsOf(server, 7);
    assert.deepEqual(done.get("later"), { workId: id, label: "later", kind: "canceled" });
    assert.ok(!(await call<string[]>(server, "work:ran")).includes("double 1"), "canceled work never ran");
  });
});

describe("workpool/batchWorker's environment", () => {
  test("workpool binds LOG_LEVEL for its batchWorker; workpool itself gets none", async () => {
    const { outDir } = newBuildDir(join(FIXTURES, "workpool-app"));
    try {
      const build = await buildProject({ projectDir: join(FIXTURES, "workpool-app"), outDir, env: { LOG_LEVEL: "DEBUG" } });
      assert.ok(build.ok, JSON.stringify(!build.ok && build.errors));
      const inits = componentInits(build.components, { LOG_LEVEL: "DEBUG" }, { siteUrl: "http://site", cloudUrl: "http://cloud" });
      const envOf = (path: string) => inits.find((init) => init.path === path)?.env;
      assert.deepEqual(envOf("workpool/batchWorker"), {
        LOG_LEVEL: "REPORT",
        CONVEX_SITE_URL: "http://site",
        CONVEX_CLOUD_URL: "http://cloud",
      });
      assert.deepEqual(envOf("workpool"), { CONVEX_SITE_URL: "http://site", CONVEX_CLOUD_URL: "http://cloud" });
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });

  test("while serving, batchWorker's functions read that binding, not the app's LOG_LEVEL=DEBUG", async () => {
    // batchWorker builds a logger from `env.LOG_LEVEL` in every function and logs `[loop] … → idle`
    // at debug level each time its loop goes idle: with the app's DEBUG it would have logged.
    const ran = await call<string[]>(server, "work:ran");
    assert.ok(ran.length > 0, "the loop has run");
    const fromComponents = [...debugLines.identifiers].filter((identifier) => identifier.startsWith("workpool/"));
    assert.deepEqual(fromComponents, []);
  });
});

test("work in flight when the server stops finishes after a restart", async () => {
  const first = await serveFixture("workpool-app");
  const dataDir = first.dataDir;
  let restarted: FixtureServer | null = null;
  try {
    const ids = await call<Record<string, string>>(first, "work:start");
    // Stop at once: the component's loop is mid-run, scheduling its next steps.
    await first.stop({ removeData: false });
    restarted = await serveFixture("workpool-app", { dataDir });
    const done = await completionsOf(restarted, 3);
    assert.deepEqual([...done.keys()].sort(), ["double", "greet", "refuse"]);
    assert.equal(done.get("double")!.workId, ids.double);
    assert.equal(done.get("double")!.returnValue, 42);
  } finally {
    await (restarted ?? first).stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

// `--inspect`: a debugger speaking the inspector protocol to Convex Lens's endpoint stops the
// project's functions at breakpoints given by TypeScript file and line, sees the request, and lets
// them go on; while stopped, no time limit runs and other requests are still answered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { copyFixture } from "../helpers/cli-process";
import { originalPosition } from "../helpers/cdp-client";
import { serveFixture } from "../helpers/serve-fixture";
import { DebugSession, type Pause } from "./debug-session";

/** Where the worker stopped, as source file and line. */
function stoppedAt(pause: Pause): string {
  const frame = (pause.params.callFrames as Array<{ location: { scriptId: string; lineNumber: number; columnNumber: number } }>)[0]!;
  const script = pause.scripts.get(frame.location.scriptId)!;
  return originalPosition(script, frame.location.lineNumber, frame.location.columnNumber);
}

async function evaluate(pause: Pause, expression: string): Promise<unknown> {
  const callFrameId = (pause.params.callFrames as Array<{ callFrameId: string }>)[0]!.callFrameId;
  const answer = await pause.worker.send("Debugger.evaluateOnCallFrame", { callFrameId, expression, returnByValue: true });
  return (answer.result as { value: unknown }).value;
}

test("a breakpoint on a line of convex/http.ts stops there with the request in scope; resuming answers 200", {
  timeout: 90_000,
}, async () => {
  const server = await serveFixture("debug-app", { inspect: 0 });
  const debug = await DebugSession.attach(server.inspector!.webSocketUrl, [{ source: "convex/http.ts", line: 14 }]);
  try {
    const paused = debug.nextPause();
    const response = server.get("/greet?name=ada");
    const pause = await paused;
    assert.match(stoppedAt(pause), /convex\/http\.ts:14$/);
    assert.match(String(await evaluate(pause, "request.url")), /\/greet\?name=ada$/);
    assert.equal(await evaluate(pause, "name"), "ada");
    // Node maps the frames of user code to the TypeScript source too (stack traces, console).
    assert.match(String(await evaluate(pause, "new Error('here').stack")), /convex\/http\.ts:14:\d+/);
    await pause.worker.send("Debugger.resume");
    const answer = await response;
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), { greeting: "hello ada" });
  } finally {
    debug.close();
    await server.stop();
  }
});

test("the debugger sees the functions' threads only: Convex Lens's own thread evaluates nothing", { timeout: 90_000 }, async () => {
  const server = await serveFixture("debug-app", { inspect: 0 });
  const debug = await DebugSession.attach(server.inspector!.webSocketUrl, []);
  try {
    await assert.rejects(debug.client.send("Runtime.evaluate", { expression: "process.pid" }), /your functions run in its worker threads/);
    assert.ok(debug.client.workers.size > 0, "the user-code workers are listed");
    for (const worker of debug.client.workers.values()) assert.match(worker.title, /^Convex functions \[worker \d+\]$/);
  } finally {
    debug.close();
    await server.stop();
  }
});

test("a query stopped at a breakpoint past its 1 s limit is not stopped, and other requests are answered meanwhile", {
  timeout: 90_000,
}, async () => {
  const server = await serveFixture("debug-app", { inspect: 0, queryTimeoutMs: 1000 });
  const debug = await DebugSession.attach(server.inspector!.webSocketUrl, [{ source: "convex/numbers.ts", line: 11 }]);
  try {
    const paused = debug.nextPause();
    const response = server.get("/total");
    const pause = await paused;
    assert.match(stoppedAt(pause), /convex\/numbers\.ts:11$/);
    assert.equal(await evaluate(pause, "sum"), 55);
    // Another worker takes the requests that come while this one is stopped.
    const other = await server.get("/greet?name=bo");
    assert.equal(other.status, 200);
    assert.deepEqual(await other.json(), { greeting: "hello bo" });
    await sleep(1500);
    await pause.worker.send("Debugger.resume");
    const answer = await response;
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.deepEqual(await answer.json(), { total: 55 });
  } finally {
    debug.close();
    await server.stop();
  }
});

test("after a reload the same debugger session binds its breakpoints in the new code", { timeout: 90_000 }, async () => {
  const project = copyFixture("debug-app");
  const server = await serveFixture("debug-app", { inspect: 0, projectDir: project });
  const debug = await DebugSession.attach(server.inspector!.webSocketUrl, [{ source: "convex/http.ts", line: 14 }], {
    followNewBuilds: true,
  });
  try {
    const first = debug.nextPause();
    const before = server.get("/greet?name=one");
    const pause = await first;
    assert.match(stoppedAt(pause), /convex\/http\.ts:14$/);
    await pause.worker.send("Debugger.resume");
    assert.equal((await before).status, 200);

    // The statement of line 14 moves to line 16 with two lines added above it, and its breakpoint with it.
    debug.breakpoints = [{ source: "convex/http.ts", line: 16 }];
    const http = join(project, "convex", "http.ts");
    writeFileSync(http, `// added\n// added\n${readFileSync(http, "utf8").replace("`hello ", "`hi ")}`);
    await server.runtime.reload();
    const second = debug.nextPause();
    const after = server.get("/greet?name=two");
    const again = await second;
    assert.match(stoppedAt(again), /convex\/http\.ts:16$/);
    assert.notEqual(again.worker.threadId, pause.worker.threadId, "the new build runs in a new worker");
    await again.worker.send("Debugger.resume");
    assert.deepEqual(await (await after).json(), { greeting: "hi two" });
  } finally {
    debug.close();
    await server.stop();
    rmSync(project, { recursive: true, force: true });
  }
});

test("console.log of the functions shows in the debugger's console while one is attached", { timeout: 90_000 }, async () => {
  const server = await serveFixture("debug-app", { inspect: 0 });
  const debug = await DebugSession.attach(server.inspector!.webSocketUrl, []);
  try {
    const logged = (name: string) =>
      Promise.any(
        [...debug.client.workers.values()].map((worker) =>
          worker.waitFor("Runtime.consoleAPICalled", (params) =>
            (params.args as Array<{ value?: unknown }>).some((arg) => arg.value === name),
          ),
        ),
      );
    const seen = logged("ada");
    const answer = await server.get("/log?name=ada");
    assert.equal(answer.status, 200);
    const call = await seen;
    assert.equal(call.type, "log");
    assert.deepEqual(
      (call.args as Array<{ value?: unknown }>).map((arg) => arg.value),
      ["logged for", "ada"],
    );
    // Lens's own log keeps the line too (it arrives on its own message from the worker).
    const inLensLog = () => server.runtime.logs.queryLines({ limit: 50 }).some((line) => line.message === "'logged for' 'ada'");
    while (!inLensLog()) await sleep(20);
  } finally {
    debug.close();
    await server.stop();
  }
});

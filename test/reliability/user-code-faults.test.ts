// User code that misbehaves (test/fixtures/faults-app/convex/faults.ts), through the function API
// and HTTP actions of a real `convex-lens serve`: every fault gives the caller an error worded like
// the backend's ("Uncaught …", the time limit, the exited runner), and after each one the runtime
// serves the next request. Write locks held by a stuck or dying mutation are released.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServing, type Serving } from "../../runtime/serve";
import { recordFigures, Tally } from "./figures";
import { assertServing, callApi, copyFixture, delay, poll, startServe, valueOfCall, type ApiOutcome, type ServeChild } from "./support";

const tally = new Tally();
// Convex's own limit: a lower one let a cyclic result's stack overflow (the fault under test) be
// beaten by the time limit on a machine busy with other work.
const QUERY_TIMEOUT_MS = 1000;
const ACTION_TIMEOUT_MS = 400;
const project = copyFixture("faults-app");
const dataDirs: string[] = [];
let child: ServeChild;

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "convex-lens-faults-"));
  dataDirs.push(dir);
  return dir;
}

before(async () => {
  child = await startServe(project, newDataDir(), ["--query-timeout", String(QUERY_TIMEOUT_MS)]);
});

/** Calls a faulty function; returns its outcome once the runtime has shown it still serves. */
async function fault(kind: "query" | "mutation" | "action", path: string, args: Record<string, unknown> = {}): Promise<ApiOutcome> {
  tally.faultsInjected++;
  tally.requestsSent += 3;
  const outcome = await callApi(child.api, kind, path, args);
  await assertServing(child);
  return outcome;
}

/** The function API's error text: the request id line, then the message. */
function failedWith(outcome: ApiOutcome, message: RegExp): void {
  assert.equal(outcome.httpStatus, 560, JSON.stringify(outcome));
  assert.equal(outcome.status, "error");
  const [first, ...rest] = outcome.errorMessage!.split("\n");
  assert.match(first!, /^\[Request ID: [0-9a-f]+\] Server Error$/);
  assert.match(rest.join("\n"), message);
}

describe("thrown values that are not Errors", () => {
  const cases: Array<[string, "query" | "mutation" | "action", RegExp]> = [
    ["faults:throwString", "query", /^Uncaught a thrown string$/],
    ["faults:throwObject", "query", /^Uncaught \{ code: 42, nested: \{ deep: \[ 1, 2 \] \} \}$/],
    ["faults:throwUndefined", "query", /^Uncaught undefined$/],
    ["faults:throwNull", "mutation", /^Uncaught null$/],
    ["faults:throwNumber", "action", /^Uncaught 404$/],
    ["faults:throwSymbol", "query", /^Uncaught Symbol\(thrown symbol\)$/],
    ["faults:throwCyclic", "query", /^Uncaught <ref \*1> \{ name: 'cyclic', self: \[Circular \*1\] \}$/],
    // Reading what was thrown throws: still an "Uncaught" error, and the execution still ends.
    [
      "faults:throwBadMessage",
      "query",
      /^Uncaught Error: the message getter throws \(thrown while reading the value the function threw\)$/,
    ],
    ["faults:throwHostileProxy", "query", /^Uncaught Error: hostile trap/],
  ];
  for (const [path, kind, expected] of cases) {
    test(`${path} (${kind})`, async () => {
      failedWith(await fault(kind, path), expected);
    });
  }
});

describe("results that are not Convex values", () => {
  const cases: Array<[string, "query" | "mutation" | "action", RegExp]> = [
    ["faults:returnFunction", "query", /^Uncaught Error: Function "\[Function\]" is not a supported Convex type\.$/],
    ["faults:returnClassInstance", "query", /^Uncaught Error: Point \{"x":1,"y":2\} is not a supported Convex type\.$/],
    ["faults:returnCyclic", "query", /^Uncaught RangeError: Maximum call stack size exceeded$/],
    ["faults:returnSymbol", "mutation", /^Uncaught Error: Symbol "Symbol\(result\)" is not a supported Convex type\.$/],
    [
      "faults:returnNestedFunction",
      "action",
      /^Uncaught Error: Function "\[Function\]" is not a supported Convex type \(present at path \.list\[1\]\.f in original object/,
    ],
  ];
  for (const [path, kind, expected] of cases) {
    test(`${path} (${kind})`, async () => {
      failedWith(await fault(kind, path), expected);
    });
  }
});

describe("loops, exits and recursion", () => {
  test("an infinite loop in a query is stopped at --query-timeout", async () => {
    failedWith(
      await fault("query", "faults:spinQuery"),
      new RegExp(
        `^Function execution timed out: query faults:spinQuery ran for more than ${QUERY_TIMEOUT_MS / 1000}s of execution time \\(the limit for a query\\)\\.$`,
      ),
    );
  });

  test("a mutation that loops holding the write lock: stopped, its write rolled back, the lock released", async () => {
    failedWith(
      await fault("mutation", "faults:spinMutation"),
      /^Function execution timed out: mutation faults:spinMutation ran for more than/,
    );
    assert.equal(await valueOfCall(child.api, "mutation", "writes:bump", { name: "after-spin" }), 1);
    const notes = await valueOfCall<{ byFilter: string[] }>(child.api, "query", "writes:findNotes", {
      text: "written by spinMutation, never committed",
    });
    assert.deepEqual(notes.byFilter, []);
    tally.requestsSent += 2;
  });

  test("process.exit in a query, a mutation and an action ends only the worker", async () => {
    failedWith(await fault("query", "faults:exitInQuery"), /^The function runner exited \(code 1\) while this request was running$/);
    failedWith(await fault("mutation", "faults:exitInMutation"), /^The function runner exited \(code 2\) while this request was running$/);
    failedWith(await fault("action", "faults:exitInAction"), /^The function runner exited \(code 7\) while this request was running$/);
    const notes = await valueOfCall<{ byFilter: string[] }>(child.api, "query", "writes:findNotes", {
      text: "written by exitInMutation, never committed",
    });
    assert.deepEqual(notes.byFilter, [], "the exiting mutation's write is rolled back");
    assert.equal(await valueOfCall(child.api, "mutation", "writes:bump", { name: "after-exit" }), 1, "the write lock is free");
    tally.requestsSent += 2;
  });

  test("deep recursion is a RangeError for the caller, with the user's frames", async () => {
    const outcome = await fault("query", "faults:deepRecursion");
    failedWith(outcome, /^Uncaught RangeError: Maximum call stack size exceeded\n {4}at down \(\.\.\/convex\/faults\.ts:\d+:\d+\)/);
  });

  test("an action stuck in a loop stops nothing else (it has the 1800 s action limit); serve still stops cleanly", async () => {
    // Its own runtime: the looping worker burns a CPU until that runtime stops.
    const own = await startServe(project, newDataDir(), ["--query-timeout", String(QUERY_TIMEOUT_MS)]);
    try {
      const abort = new AbortController();
      const spinning = callApi(own.api, "action", "faults:spinAction", {}, { signal: abort.signal }).catch(() => "aborted");
      tally.faultsInjected++;
      // Requests sent right behind it wait in the looping worker's queue until the pool sets that
      // worker aside; then they run on the fresh one (they used to wait for the loop to end).
      const behind = await Promise.all(Array.from({ length: 5 }, () => callApi(own.api, "query", "faults:ok")));
      assert.deepEqual(
        behind.map((o) => o.value),
        ["fine", "fine", "fine", "fine", "fine"],
      );
      for (let i = 0; i < 5; i++) await assertServing(own);
      assert.equal(await valueOfCall(own.api, "mutation", "writes:bump", { name: "beside-spinning-action" }), 1);
      tally.requestsSent += 17;
      abort.abort();
      assert.equal(await spinning, "aborted");
    } finally {
      assert.equal(await own.stop(), 0, "SIGTERM stops serve even with a worker stuck in a loop");
    }
  });
});

describe("promises and timers nobody waits for", () => {
  test("an unhandled rejection in a query and in an action: the function's own result stands", async () => {
    const query = await fault("query", "faults:unhandledInQuery");
    assert.equal(query.value, "returned normally");
    const action = await fault("action", "faults:unhandledInAction");
    assert.equal(action.value, "returned normally");
    await child.cli.waitFor(/\[convex-lens worker\] unhandled rejection: Error: nobody awaits this \(query\)/);
    await child.cli.waitFor(/\[convex-lens worker\] unhandled rejection: nobody awaits this \(action\)/);
  });

  test("a timer that throws after its action returned does not fail the requests that come next", async () => {
    // Before the fix the throw ended the worker, and the next request (an unrelated query) failed
    // with "The function runner crashed: thrown from a timer after the action returned".
    await fault("action", "faults:unhandledInAction");
    await child.cli.waitFor(/uncaught exception outside of any function: Error: thrown from a timer after the action returned/);
    for (let i = 0; i < 10; i++) {
      const outcome = await callApi(child.api, "query", "faults:ok");
      assert.deepEqual([outcome.httpStatus, outcome.value], [200, "fine"]);
    }
    tally.requestsSent += 10;
  });
});

test("a timer that loops after its action returned: the runner is replaced and then stopped", async () => {
  const outcome = await fault("action", "faults:loopAfterReturn");
  assert.equal(outcome.value, "returned");
  await child.cli.waitFor(
    /User code kept running after its function returned \(a timer or callback that never yields\): its function runner was stopped\./,
  );
  await assertServing(child);
  tally.requestsSent += 2;
});

describe("logs", () => {
  test("a 10 MB log line is cut to 32 KiB with the backend's suffix", async () => {
    const outcome = await fault("query", "faults:hugeLogLine", { bytes: 10_000_000 });
    assert.equal(outcome.value, "logged");
    assert.equal(outcome.logLines.length, 1);
    const line = outcome.logLines[0]!;
    assert.ok(line.length < 33 * 1024, `line of ${line.length} characters`);
    assert.match(line, /^\[LOG\] 'x+ \(truncated due to length\)$/);
  });

  test("10,000 log lines: 255 kept, then the overflow notice", async () => {
    const outcome = await fault("action", "faults:manyLogLines", { count: 10_000 });
    assert.equal(outcome.value, 10_000);
    assert.equal(outcome.logLines.length, 256);
    assert.equal(outcome.logLines[0], "[LOG] 'line' 0");
    assert.equal(outcome.logLines[254], "[LOG] 'line' 254");
    assert.equal(outcome.logLines[255], "[ERROR] Log overflow (maximum 256). Remaining log lines omitted.");
  });
});

describe("faults inside HTTP actions", () => {
  // biome-ignore lint/suspicious/noExplicitAny: the JSON answer, whose fields the tests assert one by one.
  async function site(path: string): Promise<{ status: number; body: any }> {
    tally.faultsInjected++;
    tally.requestsSent += 3;
    const response = await fetch(`${child.site}${path}`);
    const text = await response.text();
    await assertServing(child);
    return { status: response.status, body: JSON.parse(text) };
  }

  const cases: Array<[string, RegExp]> = [
    ["/fault/throw-string", /^\[Request ID: [0-9a-f]+\] Server Error: Uncaught thrown from an HTTP action$/],
    ["/fault/throw-undefined", /^\[Request ID: [0-9a-f]+\] Server Error: Uncaught undefined$/],
    ["/fault/recursion", /^\[Request ID: [0-9a-f]+\] Server Error: Uncaught RangeError: Maximum call stack size exceeded$/],
    ["/fault/not-a-response", /^\[Request ID: [0-9a-f]+\] Server Error: Uncaught Error: HTTP actions must return a Response$/],
    ["/fault/exit", /^\[Request ID: [0-9a-f]+\] Server Error: The function runner exited \(code 5\) while this request was running$/],
  ];
  for (const [path, expected] of cases) {
    test(`GET ${path}: 500 with the backend's JSON`, async () => {
      const { status, body } = await site(path);
      assert.equal(status, 500);
      assert.match(body.code, expected);
    });
  }

  test("a body stream that breaks after the head: the response is cut, the runtime serves on", async () => {
    tally.faultsInjected++;
    const response = await fetch(`${child.site}/fault/stream-error`);
    assert.equal(response.status, 200);
    await assert.rejects(response.text());
    await assertServing(child);
    tally.requestsSent += 3;
  });
});

test("a worker that dies while its mutation waits for the write lock leaves the lock free", async () => {
  // A second runtime with a longer limit, so the order of events is wide apart: a mutation loops
  // holding the write lock in worker A (A is set aside after 250 ms); a mutation sent to worker B
  // waits for the lock; B exits (process.exit in an action). When A is stopped at its time limit,
  // the lock went to B's waiting transaction, which nobody could ever end: every later mutation
  // and query hung. Now it is released at once.
  const slow = await startServe(project, newDataDir(), ["--query-timeout", "2500"]);
  try {
    tally.faultsInjected += 2;
    const spin = callApi(slow.api, "mutation", "faults:spinMutation");
    await delay(600); // A is set aside after 250 ms of silence: B takes new work
    const waiting = callApi(slow.api, "mutation", "writes:bump", { name: "waits-for-lock" });
    await delay(200);
    failedWith(await callApi(slow.api, "action", "faults:exitInAction"), /^The function runner exited \(code 7\)/);
    failedWith(await waiting, /^The function runner exited \(code 7\)/);
    failedWith(await spin, /^Function execution timed out: mutation faults:spinMutation/);
    tally.requestsSent += 3;
    // The lock is free: a mutation and a query both finish (bounded wait, not a timing claim).
    const bumped = await poll(
      async () => {
        const abort = AbortSignal.timeout(5000);
        const outcome = await callApi(slow.api, "mutation", "writes:bump", { name: "after-dead-waiter" }, { signal: abort });
        return outcome.status === "success" ? outcome.value : undefined;
      },
      "a mutation after the dead waiter",
      3,
    );
    assert.equal(bumped, 1);
    await assertServing(slow);
    tally.requestsSent += 3;
  } finally {
    assert.equal(await slow.stop(), 0);
  }
});

test("actions and HTTP actions stuck in a loop are stopped at their own limit (in-process runtime, short action limit)", async () => {
  // `serve` has no flag for the action limit (1800 s, as on Convex); the same runtime in-process
  // takes a short one, on real HTTP on 127.0.0.1.
  const dataDir = newDataDir();
  const serving: Serving = await startServing({ projectDir: project, dataDir, port: 0, apiPort: 0, actionTimeoutMs: ACTION_TIMEOUT_MS });
  try {
    tally.faultsInjected += 2;
    const outcome = await callApi(serving.api.url, "action", "faults:spinAction");
    failedWith(
      outcome,
      /^Function execution timed out: action faults:spinAction ran for more than 0\.4s of execution time \(the limit for an action\)\.$/,
    );
    const response = await fetch(`${serving.site.url}/fault/spin`, { headers: { "convex-request-id": "req-http-spin" } });
    assert.equal(response.status, 500);
    const body = (await response.json()) as { code: string };
    assert.match(body.code, /Server Error: Function execution timed out: HTTP action GET \/fault\/spin ran for more than 0\.4s/);
    // Its start never left the worker in a message (the loop began first): the log has it all the same.
    const [execution] = serving.runtime.logs.listExecutions({ requestId: "req-http-spin" });
    assert.equal(execution?.identifier, "GET /fault/spin");
    assert.equal(execution?.outcome, "failure");
    assert.match(execution?.errorMessage ?? "", /timed out: HTTP action GET \/fault\/spin/);
    assert.equal(await (await fetch(`${serving.site.url}/healthy`)).text(), "healthy");
    tally.requestsSent += 3;
  } finally {
    await serving.close();
  }
});

after(async () => {
  if (child) assert.equal(await child.stop(), 0, "stops cleanly after every fault");
  rmSync(project, { recursive: true, force: true });
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  tally.notes.push(
    `query/mutation limit --query-timeout ${QUERY_TIMEOUT_MS} ms; action limit ${ACTION_TIMEOUT_MS} ms in the in-process runtime`,
    "every fault is followed by a request to the site origin and one to the function API, both must succeed",
  );
  await recordFigures("user-code-faults", {
    title: "faulty user code: a Convex-style error for the caller, and the runtime keeps serving",
    tally,
  });
});

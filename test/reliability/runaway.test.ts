// User code that runs away with what the runtime shares with it (test/fixtures/runaway-app),
// against real `convex-lens serve` processes: memory beyond Convex's limit (ArrayBuffers included)
// fails with Convex's error and is given back; signals user code sends to its own process or
// process.abort() end only its worker; an HTTP action still running after its client went away is
// stopped, with a line saying why.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { callApi, copyFixture, delay, poll, rssOf, startServe, type ApiOutcome, type ServeChild } from "./support";

const project = copyFixture("runaway-app");
const dataDirs: string[] = [];
const children: ServeChild[] = [];
const MIB = 1024 * 1024;
const OUT_OF_MEMORY = /^JavaScript execution ran out of memory \(maximum memory usage: 64 MB\)$/;

async function serve(extra: string[] = [], options: { detached?: boolean } = {}): Promise<ServeChild> {
  const dir = mkdtempSync(join(tmpdir(), "convex-lens-runaway-"));
  dataDirs.push(dir);
  const child = await startServe(project, dir, extra, options);
  children.push(child);
  return child;
}

/** The site origin and the function API both answer, from the running serve process. */
async function assertServing(child: ServeChild): Promise<void> {
  assert.equal(child.cli.child.exitCode, null, `serve exited:\n${child.cli.output()}`);
  assert.equal(child.cli.child.signalCode, null, `serve was killed by ${child.cli.child.signalCode}:\n${child.cli.output()}`);
  assert.equal(await (await fetch(`${child.site}/healthy`)).text(), "healthy");
  assert.equal((await callApi(child.api, "query", "runaway:ok")).value, "fine");
}

/** Serve is alive and answers (not stopping after a signal, say). */
async function answers(child: ServeChild): Promise<boolean> {
  if (child.cli.child.exitCode !== null || child.cli.child.signalCode !== null) return false;
  try {
    return (await (await fetch(`${child.site}/healthy`)).text()) === "healthy";
  } catch {
    return false;
  }
}

/** The function API's error text after its request id line. */
function failedWith(outcome: ApiOutcome, message: RegExp): void {
  assert.equal(outcome.httpStatus, 560, JSON.stringify(outcome));
  const [first, ...rest] = outcome.errorMessage!.split("\n");
  assert.match(first!, /^\[Request ID: [0-9a-f]+\] Server Error$/);
  assert.match(rest.join("\n"), message);
}

after(async () => {
  for (const child of children) await child.stop();
  rmSync(project, { recursive: true, force: true });
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe("memory beyond Convex's limit", () => {
  let child: ServeChild;
  let rssServing = 0;

  before(async () => {
    child = await serve();
    await assertServing(child);
    rssServing = rssOf(child.pid);
  });

  /**
   * Runs `request` (a function that holds 1 GiB for 30 s unless it is stopped) while sampling
   * serve's RSS; then waits for the memory to come back near what it was, and reports the figures.
   */
  async function runaway<T>(t: { diagnostic(text: string): void }, what: string, request: () => Promise<T>): Promise<T> {
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid))), 20);
    let result: T;
    try {
      result = await request();
    } finally {
      clearInterval(sampler);
    }
    await assertServing(child);
    // Stopped long before it held the 1 GiB it asked for.
    assert.ok(peak < rssServing + 768 * MIB, `serve's RSS peaked at ${Math.round(peak / MIB)} MiB while ${what}`);
    // glibc keeps freed chunks of a stalled worker in its arena for reuse (its mmap threshold rises
    // after the first large free), so not every byte goes back; what stays is bounded by what the
    // limit let the worker take, never by what it asked for, and it does not add up across runs
    // (the bound is from before the first one).
    const bound = rssServing + 256 * MIB;
    const after = await poll(
      () => {
        const now = rssOf(child.pid);
        return now < bound ? now : undefined;
      },
      `serve's RSS to fall below ${Math.round(bound / MIB)} MiB after ${what}`,
    );
    const mib = (bytes: number) => `${Math.round(bytes / MIB)} MiB`;
    t.diagnostic(`${what}: serve's RSS ${mib(rssServing)} before, ${mib(peak)} at most while it ran, ${mib(after)} after`);
    return result;
  }

  /** Asks for 1 GiB and to hold it 30 s: only the memory limit ends it sooner. */
  const HOG = { mb: 1024, holdMs: 30_000 };

  test("an action that allocates 1 GiB of ArrayBuffers while yielding: Convex's error, serve serves on, the memory comes back", async (t) => {
    const outcome = await runaway(t, "1 GiB while yielding", () => callApi(child.api, "action", "runaway:hogYielding", HOG));
    failedWith(outcome, OUT_OF_MEMORY);
    await child.cli.waitFor(
      /Out of memory: user code held \d+ MiB in a function runner where 1 execution ran, over their limit \(64 MiB per execution, as on Convex\)/,
    );
  });

  test("an action that allocates 1 GiB in a loop that never yields: stopped the same way", async (t) => {
    const outcome = await runaway(t, "1 GiB without yielding", () => callApi(child.api, "action", "runaway:hogBlocking", HOG));
    failedWith(outcome, OUT_OF_MEMORY);
  });

  test("an HTTP action that allocates 1 GiB: 500 with Convex's error", async (t) => {
    const response = await runaway(t, "1 GiB in an HTTP action", () => fetch(`${child.site}/hog?mb=${HOG.mb}&holdMs=${HOG.holdMs}`));
    assert.equal(response.status, 500);
    const body = (await response.json()) as { code: string };
    assert.match(
      body.code,
      /^\[Request ID: [0-9a-f]+\] Server Error: JavaScript execution ran out of memory \(maximum memory usage: 64 MB\)$/,
    );
  });

  test('within the limits: 32 MiB in an action, 128 MiB in a "use node" action (Node\'s limit is 512 MiB)', async () => {
    assert.equal((await callApi(child.api, "action", "runaway:hogYielding", { mb: 32, holdMs: 500 })).value, 32);
    assert.equal((await callApi(child.api, "action", "nodeMemory:allocate", { mb: 128, holdMs: 500 })).value, 128);
    await assertServing(child);
  });

  test("two executions running side by side share their budget: 40 MiB each passes", async () => {
    const both = await Promise.all([1, 2].map(() => callApi(child.api, "action", "runaway:hogYielding", { mb: 40, holdMs: 1000 })));
    assert.deepEqual(
      both.map((o) => o.value),
      [40, 40],
      JSON.stringify(both),
    );
  });
});

describe("signals to its own process and process.abort() end only the worker", () => {
  let serving: ServeChild | null = null;

  /** The serve of this group, a new one if a case ended the last (each case stands on its own). */
  async function child(): Promise<ServeChild> {
    if (serving && (await answers(serving))) return serving;
    // Its own process group: on code without the guard, a signal to the group must not reach us.
    serving = await serve([], { detached: true });
    return serving;
  }

  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["runaway:killSelf", { target: "pid", signal: "SIGKILL" }, "process.kill(process.pid, 'SIGKILL')"],
    ["runaway:killSelf", { target: "pid", signal: "SIGTERM" }, "process.kill(process.pid, 'SIGTERM')"],
    ["runaway:killSelf", { target: "pid", signal: "SIGINT" }, "process.kill(process.pid, 'SIGINT')"],
    ["runaway:killSelf", { target: "group", signal: "SIGKILL" }, "process.kill(0, 'SIGKILL')"],
    ["runaway:killSelf", { target: "negativePid", signal: "SIGTERM" }, "process.kill(-process.pid, 'SIGTERM')"],
    ["runaway:abortSelf", {}, "process.abort()"],
  ];
  for (const [path, args, call] of cases) {
    test(call, async () => {
      const serve = await child();
      const outcome = await callApi(serve.api, "action", path, args);
      // What the caller of a function that calls process.exit gets, naming the call.
      const escaped = call.replace(/[()[\].*+?^$|\\]/g, "\\$&");
      failedWith(outcome, new RegExp(`^The function runner exited \\(user code called ${escaped}\\) while this request was running$`));
      await assertServing(serve);
    });
  }

  test("from a query too", async () => {
    const serve = await child();
    failedWith(
      await callApi(serve.api, "query", "runaway:killInQuery"),
      /^The function runner exited \(user code called process\.kill\(process\.pid, 'SIGKILL'\)\) while this request was running$/,
    );
    await assertServing(serve);
  });

  test("signal 0 only asks whether the process exists: true, and nothing ends", async () => {
    const serve = await child();
    assert.equal((await callApi(serve.api, "action", "runaway:probeSelf")).value, true);
    await assertServing(serve);
  });
});

describe("an HTTP action still running after its client went away", () => {
  let child: ServeChild;
  const GONE_MS = 500;

  before(async () => {
    child = await serve(["--client-gone-timeout", String(GONE_MS)]);
  });

  /** Starts a request and hangs up once it has been running a while. */
  async function hangUp(path: string): Promise<void> {
    const abort = new AbortController();
    const request = fetch(`${child.site}${path}`, { signal: abort.signal }).catch(() => "aborted");
    // Not a claim about speed: the request only has to have reached its worker.
    await delay(300);
    abort.abort();
    assert.equal(await request, "aborted");
  }

  test("one that never yields is stopped after the client disconnects, and the log says why", async () => {
    await hangUp("/spin");
    await child.cli.waitFor(/HTTP action GET \/spin was still running 0\.5 s after its client disconnected: it was stopped\. Convex lets/);
    await assertServing(child);
  });

  test("one that keeps the event loop turning is stopped too", async () => {
    await hangUp("/spin-yielding");
    await child.cli.waitFor(/HTTP action GET \/spin-yielding was still running 0\.5 s after its client disconnected: it was stopped\./);
    await assertServing(child);
  });

  test("a response that streams for ever: its body is canceled when the client leaves, so its cancel() runs", async () => {
    const abort = new AbortController();
    const response = await fetch(`${child.site}/stream-forever`, { signal: abort.signal });
    // One tick or more: on a busy machine the first read can find several already arrived.
    assert.match(new TextDecoder().decode((await response.body!.getReader().read()).value), /^(tick\n)+$/);
    abort.abort();
    const notes = await poll(async () => {
      const seen = (await callApi(child.api, "query", "runaway:notes")).value as string[];
      return seen.length > 0 ? seen : undefined;
    }, "the stream's cancel() to leave its note");
    assert.deepEqual(notes, ["stream canceled"]);
    await assertServing(child);
  });

  test("request.signal aborts when the client leaves, so the action can stop its work", async () => {
    const notesBefore = ((await callApi(child.api, "query", "runaway:notes")).value as string[]).length;
    await hangUp("/await-abort");
    const notes = await poll(async () => {
      const seen = ((await callApi(child.api, "query", "runaway:notes")).value as string[]).slice(notesBefore);
      return seen.length > 0 ? seen : undefined;
    }, "the action to note its request's abort");
    assert.deepEqual(notes, ["request aborted: true AbortError"]);
    await assertServing(child);
  });

  test("one whose client waits is not stopped, however long it takes", async () => {
    const response = await fetch(`${child.site}/slow?ms=${4 * GONE_MS}`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), `waited ${4 * GONE_MS} ms`);
    assert.doesNotMatch(child.cli.output(), /GET \/slow was still running/);
  });
});

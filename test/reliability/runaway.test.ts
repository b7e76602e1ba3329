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

  test("one whose client waits is not stopped, however long it takes", async () => {
    const response = await fetch(`${child.site}/slow?ms=${4 * GONE_MS}`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), `waited ${4 * GONE_MS} ms`);
    assert.doesNotMatch(child.cli.output(), /GET \/slow was still running/);
  });
});

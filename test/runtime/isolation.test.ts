// User code that crashes its thread, throws odd values or eats memory: the caller gets an error,
// the runtime recovers by itself and keeps serving, committed data stays.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;

before(async () => {
  server = await serveFixture("basic", { memoryLimitMb: 96 });
  await server.get("/increment?name=kept", { method: "POST" }).then((r) => r.arrayBuffer());
});
after(async () => {
  await server.stop();
});

async function stillServing(): Promise<void> {
  const response = await server.get("/files/exact");
  assert.equal(await response.text(), "exact");
  const kept = await server.runtime.runFunction("counter:get", { name: "kept" }, { udfType: "query" });
  assert.deepEqual(kept.ok && kept.value, 1, "committed data is still there");
}

test("process.exit in user code ends only the worker", async () => {
  const outcome = await server.runtime.runFunction("counter:exitProcess", {}, { udfType: "action" });
  assert.equal(outcome.ok, false);
  assert.match(!outcome.ok ? outcome.error.message : "", /exited/);
  await stillServing();
});

test("a thrown string is reported like the backend reports it", async () => {
  const outcome = await server.runtime.runFunction("counter:throwString", {}, { udfType: "query" });
  assert.equal(!outcome.ok && outcome.error.message, "Uncaught a plain string");
  await stillServing();
});

test("a thrown plain object is reported, not swallowed", async () => {
  const outcome = await server.runtime.runFunction("counter:throwObject", {}, { udfType: "query" });
  assert.equal(!outcome.ok && outcome.error.message, "Uncaught { code: 42 }");
});

test("unbounded memory crashes the worker, not the runtime", async () => {
  const outcome = await server.runtime.runFunction("counter:eatMemory", {}, { udfType: "action" });
  assert.equal(outcome.ok, false);
  assert.match(!outcome.ok ? outcome.error.message : "", /memory|crashed|exited/i);
  await stillServing();
});

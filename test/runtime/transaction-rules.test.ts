// Queries and mutations are transactions: no fetch or timers, and no waiting forever on the lock.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;
before(async () => {
  server = await serveFixture("basic", { systemTimeoutMs: 500 });
});
after(async () => {
  await server.stop();
});

test("fetch in a query throws the backend's error", async () => {
  const outcome = await server.runtime.runFunction("counter:fetchInQuery", {}, { udfType: "query" });
  assert.equal(
    !outcome.ok && outcome.error.message.split("\n")[0],
    "Uncaught Error: Can't use fetch() in queries and mutations. Please consider using an action. See https://docs.convex.dev/functions/actions for more details.",
  );
});

test("setTimeout in a mutation throws the backend's error", async () => {
  const outcome = await server.runtime.runFunction("counter:timerInMutation", {}, { udfType: "mutation" });
  assert.match(!outcome.ok ? outcome.error.message : "", /^Uncaught Error: Can't use setTimeout in queries and mutations\./);
});

test("actions keep fetch", async () => {
  const outcome = await server.runtime.runFunction("counter:fetchInAction", {}, { udfType: "action" });
  assert.deepEqual(outcome.ok && outcome.value, "function");
});

test("a mutation waiting forever fails, rolls back, and frees the write lock for the next one", async () => {
  const outcome = await server.runtime.runFunction("counter:hang", {}, { udfType: "mutation" });
  assert.match(!outcome.ok ? outcome.error.message : "", /did not finish within 0\.5 s/);
  const next = await server.runtime.runFunction("counter:increment", { name: "after-hang" }, { udfType: "mutation" });
  assert.deepEqual(next.ok && next.value, 1);
  const notes = await server.runtime.runFunction("counter:notes", {}, { udfType: "query" });
  assert.deepEqual(notes.ok && notes.value, []);
});

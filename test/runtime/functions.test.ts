// Functions through the real executor: transactions, nesting, visibility, validation, time
// limits, persistence and logs. Each test starts from its own data folder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture } from "../helpers/serve-fixture";

test("40 concurrent increments of one counter end at exactly 40", async () => {
  const server = await serveFixture("basic");
  try {
    const responses = await Promise.all(Array.from({ length: 40 }, () => server.get("/increment?name=race", { method: "POST" })));
    const values = await Promise.all(responses.map(async (r) => ((await r.json()) as { value: number }).value));
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    const final = await server.runtime.runFunction("counter:get", { name: "race" }, { udfType: "query" });
    assert.deepEqual(final, { ok: true, value: 40, logLines: [] });
  } finally {
    await server.stop();
  }
});

test("a mutation that throws leaves none of its writes, nested ones included", async () => {
  const server = await serveFixture("basic");
  try {
    const outcome = await server.runtime.runFunction("counter:writeThenFail", { text: "x" }, { udfType: "mutation" });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.error.data !== undefined);
    assert.deepEqual(!outcome.ok && outcome.error.data, { code: "refused", text: "x" });
    const notes = await server.runtime.runFunction("counter:notes", {}, { udfType: "query" });
    assert.deepEqual(notes.ok && notes.value, []);
  } finally {
    await server.stop();
  }
});

test("a caught nested failure rolls back only the nested writes", async () => {
  const server = await serveFixture("basic");
  try {
    const outcome = await server.runtime.runFunction("counter:catchNested", {}, { udfType: "mutation" });
    assert.equal(outcome.ok, true);
    assert.match(String(outcome.ok && outcome.value), /inner failure/);
    const notes = await server.runtime.runFunction("counter:notes", {}, { udfType: "query" });
    assert.deepEqual(notes.ok && notes.value, ["outer"]);
  } finally {
    await server.stop();
  }
});

test("internal functions are refused to outside callers", async () => {
  const server = await serveFixture("basic");
  try {
    const outcome = await server.runtime.runFunction("counter:secret", {}, { udfType: "mutation", publicOnly: true });
    assert.equal(outcome.ok, false);
    assert.equal(
      !outcome.ok && outcome.error.message,
      "Could not find public function for 'counter:secret'. Did you forget to run `npx convex dev` or `npx convex deploy`?",
    );
    const inside = await server.runtime.runFunction("counter:secret", {}, { udfType: "mutation" });
    assert.deepEqual(inside.ok && inside.value, "internal only");
  } finally {
    await server.stop();
  }
});

test("arguments are validated with Convex's ArgumentValidationError", async () => {
  const server = await serveFixture("basic");
  try {
    const outcome = await server.runtime.runFunction("counter:increment", { name: 12 }, { udfType: "mutation" });
    assert.equal(outcome.ok, false);
    assert.match(!outcome.ok ? outcome.error.message : "", /^ArgumentValidationError: /);
    assert.match(!outcome.ok ? outcome.error.message : "", /Path: \.name/);
  } finally {
    await server.stop();
  }
});

test("committed documents survive a restart", async () => {
  const first = await serveFixture("basic");
  const dataDir = first.dataDir;
  await first.get("/increment?name=kept", { method: "POST" }).then((r) => r.arrayBuffer());
  await first.get("/increment?name=kept", { method: "POST" }).then((r) => r.arrayBuffer());
  await first.stop({ removeData: false });
  const second = await serveFixture("basic", { dataDir });
  try {
    const value = await second.runtime.runFunction("counter:get", { name: "kept" }, { udfType: "query" });
    assert.deepEqual(value.ok && value.value, 2);
  } finally {
    await second.stop();
  }
});

test("an infinite loop in a query is stopped at the time limit and the runtime keeps serving", async () => {
  const server = await serveFixture("basic", { queryTimeoutMs: 300 });
  try {
    // How fast it recovers is measured by the benchmarks, not asserted here.
    const outcome = await server.runtime.runFunction("counter:spin", {}, { udfType: "query" });
    assert.equal(outcome.ok, false);
    assert.match(!outcome.ok ? outcome.error.message : "", /timed out/);
    const response = await server.get("/files/exact");
    assert.equal(await response.text(), "exact");
  } finally {
    await server.stop();
  }
});

test("a line logged just before an infinite loop reaches the log store with the execution that timed out", async () => {
  const server = await serveFixture("basic", { queryTimeoutMs: 300 });
  try {
    const outcome = await server.runtime.runFunction("counter:logThenSpin", {}, { udfType: "query", requestId: "req-spin-log" });
    assert.equal(outcome.ok, false);
    const [execution] = server.runtime.logs.listExecutions({ requestId: "req-spin-log" });
    assert.equal(execution?.identifier, "counter:logThenSpin");
    assert.equal(execution?.outcome, "failure");
    assert.match(execution?.errorMessage ?? "", /timed out/);
    const lines = server.runtime.logs.queryLines({ requestId: "req-spin-log", limit: 10 });
    assert.deepEqual(
      lines.map((line) => [line.level, line.message]),
      [["LOG", "'about to loop'"]],
    );
  } finally {
    await server.stop();
  }
});

test("every execution and log line is recorded under the request id", async () => {
  const server = await serveFixture("basic");
  try {
    const response = await server.get("/increment?name=logs", { method: "POST", headers: { "convex-request-id": "req-logs-1" } });
    await response.arrayBuffer();
    const logged = await server.get("/log", {
      method: "POST",
      body: JSON.stringify({ count: 2 }),
      headers: { "convex-request-id": "req-logs-2" },
    });
    await logged.text();
    const executions = server.runtime.logs.listExecutions({ requestId: "req-logs-1" });
    const identifiers = executions.map((e) => `${e.udfType}:${e.identifier}:${e.outcome}`).sort();
    assert.deepEqual(identifiers, ["httpAction:POST /increment:success", "mutation:counter:increment:success"]);
    const http = executions.find((e) => e.udfType === "httpAction")!;
    assert.equal(http.status, 200);
    const lines = server.runtime.logs.queryLines({ requestId: "req-logs-2", limit: 10 });
    const messages = lines.map((l) => `${l.level} ${l.message}`).sort();
    assert.deepEqual(messages, ["LOG 'line' 0 {\n  n: 0\n}", "LOG 'line' 1 {\n  n: 1\n}", "WARN 'warned'"]);
  } finally {
    await server.stop();
  }
});

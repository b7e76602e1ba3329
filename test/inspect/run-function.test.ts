// Running functions from the panel, against the real runtime: results, Convex's error texts,
// internal functions, the Authorization token, and the log lines recorded under the run's request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { bearerToken, InspectError, runForInspector } from "../../runtime/inspect";
import { executionsOf } from "../../extension/requests/send-request";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;

test.before(async () => {
  server = await serveFixture("inspect-app");
});
test.after(() => server.stop());

const run = (name: string, args: unknown, authorization: string | null = null) =>
  runForInspector(server.runtime, { component: "", name, args: args as never, authorization });

test("a mutation's result is pretty JSON, with its duration and its log lines under the request id", async () => {
  const outcome = await run("tasks:add", { title: "write tests" });
  assert.equal(outcome.outcome, "success");
  assert.match(JSON.parse(outcome.result!), /^[a-z0-9]{32}$/);
  assert.equal(outcome.error, null);
  const [execution] = server.runtime.logs.listExecutions({ requestId: outcome.requestId });
  assert.equal(execution!.durationMs, outcome.durationMs, "the duration is the recorded one");
  const executions = executionsOf(server.runtime.logs, outcome.requestId);
  assert.deepEqual(
    executions.map((e) => [e.identifier, e.outcome]),
    [["tasks:add", "success"]],
  );
  assert.deepEqual(
    executions[0]!.lines.map((l) => [l.level, l.message]),
    [["LOG", "'adding' 'write tests'"]],
  );

  const echoed = await run("tasks:echo", { value: { nested: [1, "two", null] } });
  assert.equal(echoed.result, '{\n  "nested": [\n    1,\n    "two",\n    null\n  ]\n}');
});

test("arguments are validated by the runtime, and the error reads as a Convex client shows it", async () => {
  const outcome = await run("tasks:add", { title: 42 });
  assert.equal(outcome.outcome, "failure");
  assert.equal(outcome.result, null);
  assert.equal(
    outcome.error,
    `[Request ID: ${outcome.requestId}] Server Error\nArgumentValidationError: Value does not match validator.\nPath: .title\nValue: 42.0\nValidator: v.string()\n`,
  );
  const missing = await run("tasks:add", {});
  assert.match(missing.error!, /ArgumentValidationError: Object is missing the required field `title`/);
});

test("an uncaught error keeps its stack; a ConvexError brings its data", async () => {
  const crash = await run("tasks:crash", {});
  assert.match(
    crash.error!,
    /^\[Request ID: [0-9a-f]+\] Server Error\nUncaught Error: crashed on purpose\n {4}at handler \(\.\.\/convex\/tasks\.ts:\d+:\d+\)/,
  );
  const lines = executionsOf(server.runtime.logs, crash.requestId)[0]!.lines;
  assert.deepEqual(
    lines.map((l) => [l.level, l.message]),
    [["WARN", "'about to crash'"]],
  );

  const refused = await run("tasks:refuse", {});
  assert.equal(refused.outcome, "failure");
  assert.match(refused.error!, /^Uncaught ConvexError: /);
  assert.deepEqual(JSON.parse(refused.errorData!), { code: "refused", why: "<b>no</b>" });
});

test("internal functions run from the panel, as from the dashboard", async () => {
  await run("tasks:add", { title: "one more" });
  const count = await run("tasks:count", {});
  assert.equal(count.outcome, "success");
  assert.ok(Number(count.result) >= 1);
  // The function API refuses the same function to outside callers.
  const refused = await server.runtime.runFunction("tasks:count", {}, { publicOnly: true });
  assert.equal(refused.ok, false);
});

test("the Authorization token reaches ctx.auth; without one there is no identity", async () => {
  assert.equal((await run("tasks:whoami", {})).result, "null");
  const withToken = await run("tasks:whoami", {}, "Bearer not-a-jwt");
  assert.equal(withToken.outcome, "failure", "the token was checked");
  assert.match(withToken.error!, /JWT/);
  assert.equal(bearerToken("Bearer abc"), "abc");
  assert.equal(bearerToken("bearer   abc "), "abc");
  assert.equal(bearerToken("abc"), "abc");
  assert.equal(bearerToken("   "), null);
  assert.equal(bearerToken(null), null);
});

test("a function the project does not have is an InspectError that says what to do", async () => {
  await assert.rejects(
    run("tasks:gone", {}),
    (error: unknown) => error instanceof InspectError && /refresh the functions panel/.test(error.message),
  );
});

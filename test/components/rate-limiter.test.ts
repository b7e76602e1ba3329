// @convex-dev/rate-limiter, unchanged, through a real serve of test/fixtures/rate-limiter-app: the
// component installed twice (`rateLimiter`, `loginLimiter`, each with its nested batchWorker), a
// token bucket, a fixed window and an asynchronously applied limit, called from mutations, a query
// and HTTP actions; the app keeps a `rateLimits` table of its own.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { call, documents, waitFor } from "./published-support";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** One token of `sendMessage` (3 per minute) comes back every 20 s. */
const TOKEN_MS = MINUTE / 3;

type Status = { ok: boolean; retryAfter?: number };

let server: FixtureServer;

before(async () => {
  server = await serveFixture("rate-limiter-app");
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
});

after(async () => {
  await server?.stop();
});

const consume = (install: string, name: string, key?: string) =>
  call<Status>(server, "limits:consume", { install, name, ...(key ? { key } : {}) });
const peek = (install: string, name: string, key?: string) =>
  call<Status>(server, "limits:peek", { install, name, ...(key ? { key } : {}) });

test("both installs and their nested batchWorkers are loaded", () => {
  const paths = server.runtime.project!.components.map((c) => c.path);
  assert.deepEqual([...paths].sort(), ["", "loginLimiter", "loginLimiter/batchWorker", "rateLimiter", "rateLimiter/batchWorker"]);
});

describe("from a mutation", () => {
  test("a token bucket allows its capacity, then refuses with the time until the next token", async () => {
    const before = Date.now();
    for (let i = 0; i < 3; i++) assert.deepEqual(await consume("rateLimiter", "sendMessage", "ada"), { ok: true });
    const refused = await consume("rateLimiter", "sendMessage", "ada");
    const elapsed = Date.now() - before;
    assert.equal(refused.ok, false);
    // A whole token is missing, less what has refilled since the third call.
    assert.ok(
      refused.retryAfter! <= TOKEN_MS && refused.retryAfter! >= TOKEN_MS - elapsed,
      `retryAfter ${refused.retryAfter} after ${elapsed} ms`,
    );
    // check() answers the same without consuming.
    const checked = await peek("rateLimiter", "sendMessage", "ada");
    assert.equal(checked.ok, false);
    assert.ok(checked.retryAfter! > 0 && checked.retryAfter! <= refused.retryAfter!);
    // Another key has its own bucket.
    assert.deepEqual(await consume("rateLimiter", "sendMessage", "bob"), { ok: true });
  });

  test("a fixed window allows its rate, then refuses until the window ends", async () => {
    assert.deepEqual(await consume("rateLimiter", "signUp"), { ok: true });
    assert.deepEqual(await consume("rateLimiter", "signUp"), { ok: true });
    const refused = await consume("rateLimiter", "signUp");
    assert.equal(refused.ok, false);
    assert.ok(refused.retryAfter! > 0 && refused.retryAfter! <= HOUR, `retryAfter ${refused.retryAfter}`);
  });

  test("`throws: true`: the component's ConvexError reaches the app with its data", async () => {
    const { thrown } = await call<{ thrown: Record<string, unknown> }>(server, "limits:consumeOrThrow", { name: "signUp" });
    assert.equal(thrown.kind, "RateLimited");
    assert.equal(thrown.name, "signUp");
    assert.ok(typeof thrown.retryAfter === "number" && thrown.retryAfter > 0 && thrown.retryAfter <= HOUR);
  });

  test("the two installs keep separate state", async () => {
    for (let i = 0; i < 3; i++) await consume("rateLimiter", "sendMessage", "carol");
    assert.equal((await consume("rateLimiter", "sendMessage", "carol")).ok, false);
    assert.deepEqual(await peek("loginLimiter", "sendMessage", "carol"), { ok: true });
    assert.deepEqual(await consume("loginLimiter", "sendMessage", "carol"), { ok: true });
    const values = await call<{ rateLimiter: number; loginLimiter: number }>(server, "limits:values", {
      name: "sendMessage",
      key: "carol",
    });
    assert.ok(values.rateLimiter < 1, `rateLimiter has no token left (${values.rateLimiter})`);
    assert.equal(values.loginLimiter, 2);
  });
});

describe("from an HTTP action", () => {
  test("limit() answers 200 until the bucket is empty, then 429 with retryAfter; check() agrees", async () => {
    const login = () =>
      server.get("/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: "dave" }) });
    const before = Date.now();
    for (let i = 0; i < 3; i++) {
      const response = await login();
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { ok: true });
    }
    const refused = await login();
    const elapsed = Date.now() - before;
    assert.equal(refused.status, 429);
    const body = (await refused.json()) as Status;
    assert.equal(body.ok, false);
    assert.ok(body.retryAfter! <= TOKEN_MS && body.retryAfter! >= TOKEN_MS - elapsed, `retryAfter ${body.retryAfter}`);
    assert.equal(refused.headers.get("retry-after"), String(Math.ceil(body.retryAfter! / 1000)));

    const checked = (await (await server.get("/login/check?user=dave")).json()) as Status;
    assert.equal(checked.ok, false);
    // The HTTP routes use `loginLimiter`: `rateLimiter` never saw dave.
    assert.deepEqual(await peek("rateLimiter", "sendMessage", "dave"), { ok: true });
  });
});

describe("the nested batchWorker", () => {
  test("asynchronously applied consumption is queued, then applied by the install's own batchWorker", async () => {
    for (let i = 0; i < 3; i++) assert.deepEqual(await consume("rateLimiter", "bulkImport", "erin"), { ok: true });
    // The batchWorker's loop (scheduled in rateLimiter/batchWorker) runs the component's work query
    // and mutation through the function handles it was given, and drains `pendingUpdates`.
    await waitFor(
      async () => (await documents(server, "rateLimiter/pendingUpdates")).length === 0,
      20_000,
      () => "the pending updates to be applied",
    );
    await waitFor(
      async () => (await call<{ rateLimiter: number }>(server, "limits:values", { name: "bulkImport", key: "erin" })).rateLimiter <= 8,
      20_000,
      () => "three tokens of bulkImport to be consumed",
    );
    const [worker, ...others] = await documents(server, "rateLimiter/batchWorker/workers");
    assert.equal(others.length, 0);
    assert.equal(worker!.name, "rateLimiter");
    assert.match(String(worker!.workQuery), /^function:\/\/[0-9a-z]+#worker:getBatch$/);
    assert.match(String(worker!.workerMutation), /^function:\/\/[0-9a-z]+#worker:processBatch$/);
    // The other install's batchWorker was never woken.
    assert.deepEqual(await documents(server, "loginLimiter/batchWorker/workers"), []);
  });
});

describe("the app's own `rateLimits` table", () => {
  test("the app and each install see only their own rows", async () => {
    await consume("rateLimiter", "sendMessage", "frank");
    await consume("loginLimiter", "sendMessage", "gina");
    await call(server, "limits:addNote", { note: "the app's row" });
    assert.deepEqual(await call(server, "limits:notes"), ["the app's row"]);
    assert.deepEqual(
      (await documents(server, "rateLimits")).map((doc) => doc.note),
      ["the app's row"],
    );

    const rateLimiterRows = await documents(server, "rateLimiter/rateLimits");
    const loginLimiterRows = await documents(server, "loginLimiter/rateLimits");
    for (const row of [...rateLimiterRows, ...loginLimiterRows]) {
      assert.equal(row.note, undefined);
      assert.equal(typeof row.name, "string");
    }
    const keysOf = (rows: Array<Record<string, unknown>>) => new Set(rows.map((row) => row.key));
    assert.ok(keysOf(rateLimiterRows).has("frank") && !keysOf(loginLimiterRows).has("frank"));
    assert.ok(keysOf(loginLimiterRows).has("gina") && !keysOf(rateLimiterRows).has("gina"));
  });
});

// Components through a real `serve` of test/fixtures/component-calls: a local component installed
// twice (once mounted on the site), a component that installs the same definition again below
// itself, and the app calling into all of them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import type { RunFunctionOptions } from "../../runtime/host/runtime";
import { waitFor } from "../scheduler/scheduler-client";

let server: FixtureServer;

async function call<T = unknown>(name: string, args: Record<string, unknown> = {}, options: RunFunctionOptions = {}): Promise<T> {
  const outcome = await server.runtime.runFunction(name, args as never, options);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.value as T;
}

async function failure(
  name: string,
  args: Record<string, unknown> = {},
  options: RunFunctionOptions = {},
): Promise<{ message: string; data?: unknown }> {
  const outcome = await server.runtime.runFunction(name, args as never, options);
  if (outcome.ok) throw new Error(`${name} was expected to fail but returned ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

before(async () => {
  server = await serveFixture("component-calls", {
    env: { SHARED_SECRET: "s3cret", APP_ONLY: "app variable", GREETING: "app greeting" },
    devIssuer: true,
  });
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
});

after(async () => {
  await server?.stop();
});

describe("the component tree", () => {
  test("every install is loaded, the app first, with its own functions", () => {
    const components = server.runtime.project!.components;
    assert.deepEqual(
      components.map((c) => c.path),
      ["", "counter", "counter2", "wrapper", "wrapper/counter"],
    );
    const counter = components.find((c) => c.path === "counter")!;
    assert.ok(counter.functions.some((f) => f.name === "public:add" && f.visibility === "public"));
    assert.ok(counter.functions.some((f) => f.name === "public:secret" && f.visibility === "internal"));
    assert.equal(components.find((c) => c.path === "counter2")!.httpPrefix, "/counter2/");
  });

  test("the site's routes include the mounted install's, with the line of the http.ts that added each", () => {
    const routes = server.runtime.project!.routes;
    const bump = routes.find((r) => r.path === "/bump")!;
    assert.equal(bump.component, undefined);
    assert.match(bump.source!.file, /component-calls\/convex\/http\.ts$/);
    const mounted = routes.find((r) => r.path === "/counter2/hello")!;
    assert.equal(mounted.component, "counter2");
    assert.equal(mounted.localPath, "/hello");
    assert.match(
      mounted.source!.file,
      /component-calls\/convex\/counter\/http\.ts$/,
      "the copy's source map leads back to the component's own file",
    );
    assert.equal(
      routes.some((r) => r.path === "/hello"),
      false,
      "the unmounted install adds no route",
    );
  });
});

describe("calls across the boundary", () => {
  test("each install and the app keep their own `counters` table", async () => {
    assert.deepEqual(await call("app:bump", { name: "beans" }), { inFirst: 1, inSecond: 10 });
    assert.deepEqual(await call("app:bump", { name: "beans" }), { inFirst: 2, inSecond: 20 });
    await call("public:addInChild", { name: "beans", count: 3 }, { componentPath: "wrapper", udfType: "mutation" });
    const totals = await call<Record<string, unknown>>("app:totals", { name: "beans" });
    assert.deepEqual(totals, { app: 200, appTableSize: 1, counter: 2, counter2: 20, wrapped: 3 });
  });

  test("a callee that throws rolls back only its own writes; its ConvexError data reaches the caller", async () => {
    const result = await call<{ caught: unknown }>("app:catchFailure", { name: "rollback" });
    assert.deepEqual(result, { caught: { code: "counter-refused", name: "rollback" } });
    const totals = await call<Record<string, unknown>>("app:totals", { name: "rollback" });
    assert.equal(totals.app, 1, "the caller's own write committed");
    assert.equal(totals.counter, null, "the callee's write was rolled back");
  });

  test("a caller that throws after a successful call rolls back the component's writes too", async () => {
    const error = await failure("app:failAfterCall", { name: "atomic" });
    assert.match(error.message, /the caller failed after its component call/);
    const totals = await call<Record<string, unknown>>("app:totals", { name: "atomic" });
    assert.equal(totals.counter, null);
  });

  test("a child's internal functions are not exported, in the backend's words", async () => {
    const error = await failure("app:callInternal");
    assert.match(error.message, /Child component "counter" does not export \["public","secret"\]/);
  });

  test("an unknown child is named", async () => {
    const error = await failure("app:callMissingChild");
    assert.match(error.message, /Child component "nowhere" not found/);
  });

  test("a component's public functions can be run directly, as the dashboard does, but not its internal ones from outside", async () => {
    assert.equal(await call("public:count", { name: "beans" }, { componentPath: "counter" }), 2);
    const error = await failure("public:secret", {}, { componentPath: "counter", publicOnly: true });
    assert.match(error.message, /Could not find public function for 'public:secret' in 'counter'/);
  });

  test("nested calls stop at the backend's depth limit", async () => {
    assert.equal(await call("app:deep", { level: 8 }), "bottom");
    const error = await failure("app:deep", { level: 9 });
    assert.match(error.message, /Cross component call depth limit exceeded/);
  });
});

describe("isolation", () => {
  test("a component sees its own env bindings and the system variables, never the app's", async () => {
    const env = await call<Record<string, Record<string, unknown> | unknown>>("app:env");
    assert.equal(env.app, "app greeting");
    assert.equal(env.appSecret, "s3cret");
    const site = server.site.url;
    assert.deepEqual(env.counter, { greeting: null, secret: null, siteUrl: site, appOnly: null });
    assert.deepEqual(env.counter2, { greeting: "hello from the app", secret: "s3cret", siteUrl: `${site}/counter2`, appOnly: null });
  });

  test("components have no identity, even when the app's caller has one", async () => {
    const token = await server.devIssuer!.sign({ subject: "ada" });
    assert.deepEqual(await call("app:whoAmI", {}, { authToken: token }), { app: "ada", component: null });
  });

  test("getFunctionMetadata names the component", async () => {
    assert.deepEqual(await call("app:metadataOfChild"), { name: "public:metadata", componentPath: "counter" });
  });

  test("files are stored per install", async () => {
    const result = await call<Record<string, unknown>>("app:fileRoundTrip");
    assert.equal(result.appSeesComponentFile, null, "the app cannot resolve the component's file");
    assert.equal(result.componentSeesOwnFile, "component bytes");
    assert.equal(result.componentSeesAppFile, null, "the component cannot read the app's file");
    const url = `${server.api.url}/api/storage/${result.componentFile as string}`;
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "component bytes");
  });
});

describe("function handles", () => {
  test("a handle to an internal app function, passed to a component, calls back into the app", async () => {
    const handle = await call<string>("app:viaHandle", { note: "first" });
    assert.match(handle, /^function:\/\/[0-9a-z]+#app:recordCallback$/);
    assert.deepEqual(await call("app:callbacks"), ["first"]);
    assert.equal(await call<string>("app:viaHandle", { note: "second" }), handle, "the same function always has the same handle");
  });

  test("a handle to a component's function runs from anywhere", async () => {
    const handle = await call<string>("app:handleOfComponentFunction");
    assert.equal(await call("app:runHandle", { handle, args: { name: "beans" } }), 2);
  });

  test("a handle that names nothing gets the backend's error", async () => {
    const error = await failure("app:runHandle", { handle: "function://nothing#x:y", args: {} });
    assert.match(error.message, /Function handle not found/);
    // Only `function://…` is a handle; anything else is sent as a function name (paths.ts).
    const notAHandle = await failure("app:runHandle", { handle: "function:/broken", args: {} });
    assert.match(notAHandle.message, /Could not find function for 'function:\/broken'/);
  });
});

describe("the scheduler", () => {
  test("jobs scheduled into a component, and by it, run there", async () => {
    await call("app:scheduleInComponent", { name: "later" });
    await waitFor(
      async () => (await call("public:count", { name: "later" }, { componentPath: "counter" })) === 1000,
      10_000,
      () => "the app's job in counter",
    );
    await waitFor(
      async () => (await call("public:count", { name: "later-later" }, { componentPath: "counter" })) === 1,
      10_000,
      () => "counter's own job",
    );
    assert.equal(await call<Record<string, unknown>>("app:totals", { name: "later" }).then((t) => t.app), null);
  });
});

describe("crons", () => {
  test("each install runs its own crons.ts on its own data, logged under the install's name", async () => {
    for (const componentPath of ["counter", "counter2", "wrapper/counter"]) {
      await waitFor(
        async () => ((await call<number | null>("public:count", { name: "ticks" }, { componentPath })) ?? 0) >= 1,
        15_000,
        () => `a tick in ${componentPath}`,
      );
    }
    assert.equal((await call<Record<string, unknown>>("app:totals", { name: "ticks" })).app, null, "the app's own table got none");
    const jobs = server.crons.list().map(({ job }) => `${job.component}:${job.name}`);
    assert.deepEqual(jobs.sort(), ["counter2:tick", "counter:tick", "wrapper/counter:tick"]);
    await server.runtime.logs.flush();
    const runs = server.runtime.logs.listExecutions({ limit: 1000 }).filter((e) => e.caller === "cron");
    assert.ok(
      runs.some((e) => e.identifier === "counter2/public:tick" && e.outcome === "success"),
      JSON.stringify(runs.map((e) => e.identifier)),
    );
  });
});

describe("HTTP", () => {
  test("an app route calls into a component", async () => {
    const response = await server.get("/bump", {
      method: "POST",
      body: JSON.stringify({ name: "http" }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { value: 1 });
  });

  test("a mounted component serves its own http.ts under its prefix, with the whole URL kept and no identity", async () => {
    const token = await server.devIssuer!.sign({ subject: "ada" });
    const response = await server.get("/counter2/hello?x=1", { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.url, `${server.site.url}/counter2/hello?x=1`);
    assert.equal(body.siteUrl, `${server.site.url}/counter2`);
    assert.equal(body.identity, null);
  });

  test("the unmounted install of the same definition serves nothing", async () => {
    const response = await server.get("/hello");
    assert.equal(response.status, 404);
    assert.equal(await response.text(), "No matching routes found");
  });
});

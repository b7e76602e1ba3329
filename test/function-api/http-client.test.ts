// The function API answers the real ConvexHttpClient from the `convex` package, as an app uses it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;
let client: ConvexHttpClient;
const getCounter = makeFunctionReference<"query", { name: string }, number>("counter:get");
const increment = makeFunctionReference<"mutation", { name: string }, number>("counter:increment");
const writeThenFail = makeFunctionReference<"mutation", { text: string }>("counter:writeThenFail");
const secret = makeFunctionReference<"mutation", Record<string, never>>("counter:secret");
const incrementAsQuery = makeFunctionReference<"query", { name: string }>("counter:increment");

before(async () => {
  server = await serveFixture("basic");
  client = new ConvexHttpClient(server.api.url);
});
after(async () => {
  await server.stop();
});

test("query and mutation through ConvexHttpClient", async () => {
  assert.equal(await client.query(getCounter, { name: "client" }), 0);
  assert.equal(await client.mutation(increment, { name: "client" }), 1);
  assert.equal(await client.mutation(increment, { name: "client" }), 2);
  assert.equal(await client.query(getCounter, { name: "client" }), 2);
});

test("a ConvexError reaches the client with its data", async () => {
  await assert.rejects(
    () => client.mutation(writeThenFail, { text: "client" }),
    (error: unknown) => {
      assert.ok(error instanceof ConvexError);
      assert.deepEqual((error as ConvexError<{ code: string; text: string }>).data, { code: "refused", text: "client" });
      return true;
    },
  );
});

test("internal functions are refused with the backend's message", async () => {
  await assert.rejects(() => client.mutation(secret, {}), /Could not find public function for 'counter:secret'/);
});

test("argument validation errors reach the client", async () => {
  await assert.rejects(() => client.mutation(increment, { name: 5 as unknown as string }), /ArgumentValidationError/);
});

test("calling a mutation as a query is refused", async () => {
  await assert.rejects(() => client.query(incrementAsQuery, { name: "x" }), /as Query, but it is defined as Mutation/);
});

test("/api/run/<module>/<function> with plain JSON", async () => {
  const response = await fetch(`${server.api.url}/api/run/counter/get`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ args: { name: "client" }, format: "json" }),
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { status: string; value: unknown; logLines: string[] };
  assert.deepEqual(body, { status: "success", value: 2, logLines: [] });
});

test("a malformed body is a 400 that says what to send", async () => {
  const response = await fetch(`${server.api.url}/api/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "not json",
  });
  assert.equal(response.status, 400);
  assert.match(await response.text(), /must be JSON/);
});

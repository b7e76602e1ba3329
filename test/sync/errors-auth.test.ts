// Failures and identities over the sync protocol, compared with what the HTTP function API gives
// for the same functions: a failing query's error, a ConvexError's data (queries and mutations),
// and setAuth with an "Act as a user" token of the local dev issuer seen by a subscribed query.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { connectClient, watch, type SyncClient } from "./sync-client";

const broken = makeFunctionReference<"query", Record<string, never>, never>("messages:broken");
const refused = makeFunctionReference<"query", { channel: string }, string>("messages:refused");
const whoami = makeFunctionReference<"query", Record<string, never>, string | null>("messages:whoami");
const send = makeFunctionReference<"mutation", { channel: string; body: string }, string>("messages:send");
const rejectSend = makeFunctionReference<"mutation", { reason: string }, never>("messages:rejectSend");

let server: FixtureServer;
let sync: SyncClient;

before(async () => {
  server = await serveFixture("sync-app", { devIssuer: true });
  sync = connectClient(server.api.url);
});
after(async () => {
  await sync?.client.close();
  await server?.stop();
});

/**
 * The message without what differs between two runs or is the client's own: the request id, and
 * the function prefix and "Called by client" line the sync client adds.
 */
const comparable = (message: string) =>
  message
    .replace(/\[CONVEX [QMA]\([^)]*\)\] /, "")
    .replace(/\[Request ID: [0-9a-f]+\] /, "")
    .replace(/\n {2}Called by client$/, "");

test("a failing query's error is the function API's, and the subscription stays", async () => {
  const watched = watch(sync.client, broken, {});
  const error = await watched.nextError(() => true);
  const viaHttp = await new ConvexHttpClient(server.api.url).query(broken, {}).then(
    () => assert.fail("the query succeeded over HTTP"),
    (e: Error) => e,
  );
  assert.match(error.message, /this query is broken/);
  assert.match(error.message, /^\[CONVEX Q\(messages:broken\)\] \[Request ID: [0-9a-f]+\] Server Error\n/);
  assert.equal(comparable(error.message), comparable(viaHttp.message));
  watched.unsubscribe();
});

test("a ConvexError's data reaches the subscriber, and the query recovers when a commit fixes it", async () => {
  const watched = watch(sync.client, refused, { channel: "empty" });
  const error = await watched.nextError(() => true);
  assert.ok(error instanceof ConvexError, `a ConvexError, got ${error}`);
  assert.deepEqual(error.data, { code: "EMPTY", channel: "empty" });
  await sync.client.mutation(send, { channel: "empty", body: "not any more" });
  assert.equal(await watched.next(() => true), "not any more");
  watched.unsubscribe();
});

test("a mutation's ConvexError rejects its promise with the data", async () => {
  const error = await sync.client.mutation(rejectSend, { reason: "full" }).then(
    () => assert.fail("the mutation succeeded"),
    (e: Error) => e,
  );
  assert.ok(error instanceof ConvexError);
  assert.deepEqual(error.data, { code: "REJECTED", reason: "full" });
});

test("setAuth with a dev-issuer token: a subscribed query sees the identity, and follows a switch to another user", async () => {
  const watched = watch(sync.client, whoami, {});
  assert.equal(await watched.next(() => true), null);
  const token = await server.devIssuer!.sign({ subject: "dev-user" });
  const changes: boolean[] = [];
  sync.client.setAuth(
    async () => token,
    (isAuthenticated) => changes.push(isAuthenticated),
  );
  assert.equal(await watched.next((value) => value !== null), "dev-user");
  assert.deepEqual(changes, [true]);
  // Another user's token: the subscription runs again as that user.
  const other = await server.devIssuer!.sign({ subject: "other-user" });
  sync.client.setAuth(async () => other);
  assert.equal(await watched.next((value) => value === "other-user"), "other-user");
  watched.unsubscribe();
});

test("a refused token is an AuthError: the client reports it is not authenticated", async () => {
  const other = connectClient(server.api.url);
  try {
    const watched = watch(other.client, whoami, {});
    assert.equal(await watched.next(() => true), null);
    const forged = `${(await server.devIssuer!.sign({ subject: "mallory" })).slice(0, -4)}AAAA`;
    const changed = new Promise<boolean>((resolve) => other.client.setAuth(async () => forged, resolve));
    assert.equal(await changed, false);
    const authError = other.received.find((m) => m.type === "AuthError");
    assert.ok(authError, "the server sent an AuthError");
    assert.equal(authError.authUpdateAttempted, true);
    assert.equal(typeof authError.error, "string");
    // The query still answers, without an identity.
    assert.equal(watched.values.at(-1), null);
    assert.ok(!watched.values.includes("mallory"));
  } finally {
    await other.client.close();
  }
});

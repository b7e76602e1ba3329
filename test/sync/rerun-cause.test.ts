// Why each run of a subscribed query ran, as the log store records it for the logs panel: caller
// "sync", a new subscription's first run as "subscribed", and a re-run after a commit with the
// request whose function committed (an HTTP action's runMutation, the function API, a client's
// Mutation over the socket). And the functions panel's signal that the list of live queries changed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { ExecutionRecord } from "../../runtime/logs/log-store";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { connectClient, listMessages as list, sendMessage as send, type SyncClient, until, watch, type Watched } from "./sync-client";

let server: FixtureServer;
before(async () => {
  server = await serveFixture("sync-app");
});
after(async () => {
  await server?.stop();
});

/** The runs of `messages:list` recorded so far, oldest first. */
function listRuns(): ExecutionRecord[] {
  return server.runtime.logs
    .listExecutions({ limit: 1000 })
    .filter((e) => e.identifier === "messages:list")
    .reverse();
}

/** A client watching `messages:list` of an empty `channel` while `body` runs; closed after. */
async function watching(channel: string, body: (watched: Watched<string[]>, sync: SyncClient) => Promise<void>): Promise<void> {
  const sync = connectClient(server.api.url);
  try {
    const watched = watch(sync.client, list, { channel });
    await watched.next((value) => value.length === 0);
    await body(watched, sync);
  } finally {
    await sync.client.close();
  }
}

/** The newest execution of `identifier` with `caller`. */
const newest = (identifier: string, caller: string) =>
  server.runtime.logs.listExecutions({ limit: 1000 }).find((e) => e.identifier === identifier && e.caller === caller);

/** The run of `messages:list` whose cause names `requestId`, once it is recorded. */
async function rerunAfter(requestId: string): Promise<ExecutionRecord> {
  let found: ExecutionRecord | undefined;
  await until(() => {
    found = listRuns().find((e) => e.cause?.kind === "commit" && e.cause.requestId === requestId);
    return found !== undefined;
  });
  return found!;
}

test("a subscription's first run is logged with caller sync as subscribed", async () => {
  const sync = connectClient(server.api.url);
  try {
    const watched = watch(sync.client, list, { channel: "first-run" });
    await watched.next(() => true);
    await server.sync.settled();
    const runs = listRuns().filter((e) => e.caller === "sync");
    assert.ok(runs.length >= 1);
    assert.deepEqual(runs.at(-1)!.cause, { kind: "subscribed" });
    assert.equal(runs.at(-1)!.parentId, null);
  } finally {
    await sync.client.close();
  }
});

test("a commit by an HTTP action's runMutation re-runs the query with the action's request id", () =>
  watching("webhook", async (watched) => {
    const requestId = "webhookcause0001";
    const response = await fetch(`${server.site.url}/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "convex-request-id": requestId },
      body: JSON.stringify({ channel: "webhook", body: "hi" }),
    });
    assert.equal(response.status, 200);
    await watched.next((value) => value.length === 1);
    const rerun = await rerunAfter(requestId);
    assert.equal(rerun.caller, "sync");
    assert.notEqual(rerun.requestId, requestId, "the re-run is a request of its own");
    // The request it links to is the one whose mutation committed.
    const committed = server.runtime.logs.listExecutions({ requestId });
    assert.ok(committed.some((e) => e.identifier === "messages:send" && e.udfType === "mutation"));
  }));

test("a commit by the function API re-runs the query with the API call's request id", () =>
  watching("api", async (watched) => {
    const response = await fetch(`${server.api.url}/api/mutation`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "messages:send", args: { channel: "api", body: "from the API" }, format: "json" }),
    });
    assert.equal(response.status, 200);
    await watched.next((value) => value.length === 1);
    const mutation = newest("messages:send", "api");
    assert.ok(mutation, "the API's mutation is logged");
    assert.equal((await rerunAfter(mutation.requestId)).caller, "sync");
  }));

test("a client's own Mutation over the socket is logged as sync, and the re-run links to it", () =>
  watching("socket", async (watched, sync) => {
    await sync.client.mutation(send, { channel: "socket", body: "over the socket" });
    await watched.next((value) => value.length === 1);
    const mutation = newest("messages:send", "sync");
    assert.ok(mutation, "the client's mutation is logged with caller sync");
    assert.equal(mutation.cause, null, "only subscribed queries carry a cause");
    await rerunAfter(mutation.requestId);
  }));

test("the list-changed signal fires when a client subscribes, unsubscribes and disconnects", async () => {
  let signals = 0;
  const stop = server.sync.onSubscriptionsChanged(() => signals++);
  const sync = connectClient(server.api.url);
  try {
    const waitForSignal = async (what: string, check: () => boolean) => {
      const from = signals;
      await until(() => signals > from && check());
      assert.ok(signals > from, what);
    };
    const channelListed = () => server.sync.subscriptions().some((s) => (s.args as { channel?: string }).channel === "signal");
    const watched = watch(sync.client, list, { channel: "signal" });
    await waitForSignal("subscribed", channelListed);
    await watched.next(() => true);
    watched.unsubscribe();
    await waitForSignal("unsubscribed", () => !channelListed());

    const again = watch(sync.client, list, { channel: "signal" });
    await again.next(() => true);
    await until(channelListed);
    const beforeClose = signals;
    await sync.client.close();
    await until(() => signals > beforeClose && !channelListed());
  } finally {
    stop();
    await sync.client.close();
  }
});

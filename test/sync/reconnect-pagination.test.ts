// A client whose socket drops reconnects and subscribes again with its query set, and sees what
// was committed meanwhile; a paginated query keeps its page's end (the journal) as documents come
// and go, and pages further with loadMore.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { connectClient, until, watch, type SyncClient } from "./sync-client";

const list = makeFunctionReference<"query", { channel: string }, string[]>("messages:list");
const page = makeFunctionReference<"query", Record<string, never>, { channel: string; body: string }>("messages:page");
const smallPages = makeFunctionReference<"query", Record<string, never>, { channel: string; body: string }>("messages:smallPages");
const send = makeFunctionReference<"mutation", { channel: string; body: string }, string>("messages:send");

let server: FixtureServer;
let writer: ConvexHttpClient;

before(async () => {
  server = await serveFixture("sync-app");
  writer = new ConvexHttpClient(server.api.url);
});
after(async () => {
  await server?.stop();
});

test("a dropped socket: the client reconnects with its query set and catches up", async () => {
  const sync: SyncClient = connectClient(server.api.url);
  try {
    const watched = watch(sync.client, list, { channel: "reconnect" });
    await watched.next((value) => value.length === 0);
    assert.equal(server.sync.stats.sessions, 1);
    // The connection is cut under the client (no close handshake), and a commit lands meanwhile.
    sync.sockets[0]!.terminate();
    await writer.mutation(send, { channel: "reconnect", body: "while away" });
    assert.deepEqual(await watched.next((value) => value.length === 1), ["while away"]);
    assert.equal(sync.sockets.length, 2, "a second socket was opened");
    const connect = sync.received.length;
    await sync.client.mutation(send, { channel: "reconnect", body: "after" });
    assert.deepEqual(await watched.next((value) => value.length === 2), ["while away", "after"]);
    assert.ok(sync.received.length > connect);
    // The first session goes with its subscription (once the server sees the cut connection); the
    // new one holds the query once.
    await until(() => server.sync.stats.sessions === 1);
    assert.equal(server.sync.stats.subscriptions, 1);
  } finally {
    await sync.client.close();
  }
});

test("a paginated query: the first page keeps its end cursor as documents come, and loadMore reads on", async () => {
  const sync = connectClient(server.api.url);
  try {
    for (const channel of ["p-b", "p-d", "p-f"]) await writer.mutation(send, { channel, body: channel });
    type Result = { results: Array<{ channel: string }>; status: string; loadMore: (n: number) => boolean };
    const results: Result[] = [];
    const waiters: Array<() => void> = [];
    sync.client.onPaginatedUpdate_experimental(page, {}, { initialNumItems: 2 }, (result) => {
      results.push(result as unknown as Result);
      for (const waiter of waiters.splice(0)) waiter();
    });
    const channels = (result: Result) => result.results.map((doc) => doc.channel).filter((c) => c.startsWith("p-"));
    const next = (accept: (result: Result) => boolean) =>
      new Promise<Result>((resolve) => {
        const check = () => {
          const found = results.find(accept);
          if (found) resolve(found);
          else waiters.push(check);
        };
        check();
      });
    const first = await next((r) => r.status === "CanLoadMore");
    assert.deepEqual(channels(first), ["p-b", "p-d"]);
    // A document inside the first page's range joins it: the page grows instead of shifting.
    await writer.mutation(send, { channel: "p-c", body: "p-c" });
    const grown = await next((r) => channels(r).includes("p-c"));
    assert.deepEqual(channels(grown), ["p-b", "p-c", "p-d"]);
    assert.equal(grown.status, "CanLoadMore");
    grown.loadMore(5);
    const all = await next((r) => r.status === "Exhausted");
    assert.deepEqual(channels(all), ["p-b", "p-c", "p-d", "p-f"]);
    // The last page reaches the end: a document after everything joins it.
    await writer.mutation(send, { channel: "p-z", body: "p-z" });
    const last = await next((r) => channels(r).includes("p-z"));
    assert.deepEqual(channels(last), ["p-b", "p-c", "p-d", "p-f", "p-z"]);
  } finally {
    await sync.client.close();
  }
});

test("a page that grows past its read limit is split by the client at the split cursor, without a gap", async () => {
  const sync = connectClient(server.api.url);
  try {
    for (const channel of ["s-b", "s-d", "s-f"]) await writer.mutation(send, { channel, body: channel });
    let latest: string[] = [];
    sync.client.onPaginatedUpdate_experimental(smallPages, {}, { initialNumItems: 2 }, (result) => {
      latest = (result as unknown as { results: Array<{ channel: string }> }).results.map((doc) => doc.channel);
    });
    await until(() => latest.length === 2);
    assert.deepEqual(latest, ["s-b", "s-d"]);
    // Two documents join the first page (its journal keeps its end): it reads 4 rows, over 3/4 of
    // its limit, and comes back "SplitRecommended" with a split cursor.
    await writer.mutation(send, { channel: "s-c", body: "s-c" });
    await writer.mutation(send, { channel: "s-c2", body: "s-c2" });
    const removed = () =>
      sync.received.some(
        (m) => m.type === "Transition" && (m.modifications as Array<{ type: string }>).some((x) => x.type === "QueryRemoved"),
      );
    await until(removed);
    const splitPage = sync.received.some(
      (m) =>
        m.type === "Transition" &&
        (m.modifications as Array<{ value?: { pageStatus?: string } }>).some((x) => x.value?.pageStatus === "SplitRecommended"),
    );
    assert.ok(splitPage, "the grown page was sent as SplitRecommended");
    // The client replaced the page by its two halves; together they hold the same documents.
    await until(() => server.sync.stats.sessions === 1);
    assert.equal(server.sync.stats.subscriptions, 2);
    assert.deepEqual(latest, ["s-b", "s-c", "s-c2", "s-d"]);
  } finally {
    await sync.client.close();
  }
});

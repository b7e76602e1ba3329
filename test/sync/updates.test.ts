// Differential tests of the sync protocol with the project's own clients: a ConvexClient
// subscribed over the WebSocket sees every commit that touches its queries, whoever made it (the
// socket, the HTTP function API, an HTTP action, the scheduler), and a mutation's promise resolves
// only once the client's queries show its effects.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ConvexHttpClient } from "convex/browser";
import { ConvexReactClient } from "convex/react";
import WebSocket from "ws";
import { makeFunctionReference } from "convex/server";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { connectClient, watch, type SyncClient } from "./sync-client";

const list = makeFunctionReference<"query", { channel: string }, string[]>("messages:list");
const get = makeFunctionReference<"query", { id: string }, string | null>("messages:get");
const noteCount = makeFunctionReference<"query", Record<string, never>, number>("messages:noteCount");
const send = makeFunctionReference<"mutation", { channel: string; body: string }, string>("messages:send");
const edit = makeFunctionReference<"mutation", { id: string; body: string }, null>("messages:edit");
const addNote = makeFunctionReference<"mutation", { text: string }, string>("messages:addNote");
const sendLater = makeFunctionReference<"mutation", { channel: string; body: string }, null>("messages:sendLater");
const sendTwice = makeFunctionReference<"action", { channel: string; body: string }, number>("messages:sendTwice");

let server: FixtureServer;
let sync: SyncClient;

before(async () => {
  server = await serveFixture("sync-app");
  sync = connectClient(server.api.url);
});
after(async () => {
  await sync?.client.close();
  await server?.stop();
});

const sameList = (expected: string[]) => (value: string[]) => JSON.stringify(value) === JSON.stringify(expected);

test("a subscription gets its first result, then every commit that changes it, from any writer", async () => {
  const watched = watch(sync.client, list, { channel: "all-writers" });
  await watched.next(sameList([]));
  await sync.client.mutation(send, { channel: "all-writers", body: "socket" });
  await watched.next(sameList(["socket"]));
  await new ConvexHttpClient(server.api.url).mutation(send, { channel: "all-writers", body: "function api" });
  await watched.next(sameList(["socket", "function api"]));
  const hook = await fetch(`${server.site.url}/webhook`, {
    method: "POST",
    body: JSON.stringify({ channel: "all-writers", body: "webhook" }),
  });
  assert.equal(hook.status, 200);
  await watched.next(sameList(["socket", "function api", "webhook"]));
  await sync.client.mutation(sendLater, { channel: "all-writers", body: "scheduled" });
  await watched.next(sameList(["socket", "function api", "webhook", "scheduled"]));
  assert.equal(await sync.client.action(sendTwice, { channel: "all-writers", body: "action" }), 2);
  await watched.next((value) => value.length === 6);
  assert.deepEqual(watched.values.at(-1), ["socket", "function api", "webhook", "scheduled", "action", "action again"]);
  assert.deepEqual(watched.errors, []);
  watched.unsubscribe();
});

test("a mutation's promise resolves after the client's queries show its effects", async () => {
  const watched = watch(sync.client, list, { channel: "ordered" });
  await watched.next(sameList([]));
  for (const body of ["one", "two", "three"]) {
    const received = sync.received.length;
    await sync.client.mutation(send, { channel: "ordered", body });
    // Read your own writes: the subscription already has the new result.
    assert.equal(watched.values.at(-1)?.at(-1), body);
    assert.equal(
      sync.client.client.localQueryResult("messages:list", { channel: "ordered" })?.toString(),
      watched.values.at(-1)!.toString(),
    );
    // On the wire: the MutationResponse with its commit's timestamp, then a Transition at least
    // that late carrying the new result (the client resolves the promise on that Transition).
    const messages = sync.received.slice(received);
    const response = messages.findIndex((m) => m.type === "MutationResponse");
    assert.ok(response >= 0, "a MutationResponse arrived");
    assert.equal(messages[response]!.success, true);
    const ts = tsOf(messages[response]!.ts as string);
    const transition = messages.slice(response + 1).find((m) => m.type === "Transition" && tsOf((m.endVersion as { ts: string }).ts) >= ts);
    assert.ok(transition, "a Transition at or after the mutation's timestamp followed its response");
  }
  watched.unsubscribe();
});

test("a commit re-runs exactly the subscribed queries whose read sets it touches", async () => {
  const writer = new ConvexHttpClient(server.api.url);
  const seeded = await writer.mutation(send, { channel: "r3", body: "seed" });
  const channels = Array.from({ length: 10 }, (_, i) => `r${i}`);
  const lists = channels.map((channel) => watch(sync.client, list, { channel }));
  const byId = watch(sync.client, get, { id: seeded });
  const notes = watch(sync.client, noteCount, {});
  await Promise.all(lists.map((watched) => watched.next(() => true)));
  await byId.next((value) => value === "seed");
  await notes.next(() => true);
  await server.sync.settled();
  const reruns = () => server.sync.stats.reruns;

  // An insert into r5's range: only the r5 list.
  let before = reruns();
  await writer.mutation(send, { channel: "r5", body: "five" });
  await lists[5]!.next(sameList(["five"]));
  await server.sync.settled();
  assert.equal(reruns() - before, 1);

  // A patch of a document two queries read (the r3 list and the get by id).
  before = reruns();
  await writer.mutation(edit, { id: seeded, body: "edited" });
  await byId.next((value) => value === "edited");
  await lists[3]!.next(sameList(["edited"]));
  await server.sync.settled();
  assert.equal(reruns() - before, 2);

  // Another table: only the query that scans it.
  before = reruns();
  await writer.mutation(addNote, { text: "n" });
  await notes.next((value) => value === 1);
  await server.sync.settled();
  assert.equal(reruns() - before, 1);

  // A channel nobody watches: nothing runs (the commit was seen before the mutation answered).
  before = reruns();
  await writer.mutation(send, { channel: "elsewhere", body: "unseen" });
  await server.sync.settled();
  assert.equal(reruns() - before, 0);
  for (const watched of [...lists, byId, notes]) watched.unsubscribe();
});

test("ConvexReactClient (what useQuery watches) sees a webhook's message arrive through an HTTP action", async () => {
  const react = new ConvexReactClient(server.api.url, {
    webSocketConstructor: WebSocket as unknown as typeof globalThis.WebSocket,
    logger: false,
  });
  try {
    const watched = react.watchQuery(list, { channel: "react" });
    // One listener for the whole test: the last listener to go unsubscribes the query.
    const waiters: Array<() => void> = [];
    const stop = watched.onUpdate(() => {
      for (const waiter of waiters.splice(0)) waiter();
    });
    const resultWhere = (accept: (value: string[] | undefined) => boolean) =>
      new Promise<string[] | undefined>((resolve) => {
        const check = () => (accept(watched.localQueryResult()) ? resolve(watched.localQueryResult()) : waiters.push(check));
        check();
      });
    const results = [await resultWhere((value) => value !== undefined)];
    await fetch(`${server.site.url}/webhook`, { method: "POST", body: JSON.stringify({ channel: "react", body: "from a webhook" }) });
    results.push(await resultWhere((value) => value?.length === 1));
    assert.deepEqual(results, [[], ["from a webhook"]]);
    // useMutation: the promise resolves with the page's query already showing the write.
    await react.mutation(send, { channel: "react", body: "from the page" });
    assert.deepEqual(watched.localQueryResult(), ["from a webhook", "from the page"]);
    stop();
  } finally {
    await react.close();
  }
});

function tsOf(encoded: string): bigint {
  return Buffer.from(encoded, "base64").readBigUInt64LE();
}

// What the functions panel lists of the live queries: every subscribed query of every open
// connection, with its function, arguments, client, how often it ran and when its client last got a
// new result; a commit that touches it shows as one more run, and a closed connection's go.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { connectClient, listMessages as list, sendMessage as send, watch } from "./sync-client";

let server: FixtureServer;
before(async () => {
  server = await serveFixture("sync-app");
});
after(async () => {
  await server?.stop();
});

test("each subscribed query is listed with its arguments, runs and last update; a touching commit adds a run", async () => {
  const sync = connectClient(server.api.url);
  try {
    const watched = watch(sync.client, list, { channel: "listed" });
    await watched.next((value) => value.length === 0);
    await server.sync.settled();
    const [first, ...others] = server.sync.subscriptions();
    assert.equal(others.length, 0);
    assert.equal(first!.udfPath, "messages:list");
    assert.equal(first!.componentPath, "");
    assert.deepEqual(first!.args, { channel: "listed" });
    assert.equal(first!.runs, 1);
    assert.ok(first!.updatedAt !== null && first!.updatedAt <= Date.now());
    assert.equal(typeof first!.client, "string");

    await sync.client.mutation(send, { channel: "listed", body: "hello" });
    await watched.next((value) => value.length === 1);
    await server.sync.settled();
    const [after] = server.sync.subscriptions();
    assert.equal(after!.runs, 2);
    assert.equal(after!.session, first!.session);
    assert.ok(after!.updatedAt! >= first!.updatedAt!);
    watched.unsubscribe();
  } finally {
    await sync.client.close();
  }
  // The connection closed: nothing of it is listed any more.
  for (let turn = 0; turn < 200 && server.sync.subscriptions().length > 0; turn++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(server.sync.subscriptions(), []);
});

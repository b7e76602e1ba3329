// The functions panel's host side of the Live queries tab without VS Code: what it sends for a real
// serve with a real ConvexClient subscribed, and where apps connect.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { liveQueriesView, type FunctionsSource } from "../../extension/panels/functions-panel-requests";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { connectClient, listMessages, until, watch } from "./sync-client";

let server: FixtureServer;
before(async () => {
  server = await serveFixture("sync-app");
});
after(async () => {
  await server?.stop();
});

const source = (): FunctionsSource => ({ session: { state: server.runtime.state, serving: server } });

test("the tab's list: each subscribed query with its connection, arguments, runs and update; the API origin", async () => {
  assert.deepEqual(liveQueriesView(source()), { apiUrl: server.api.url, queries: [] });
  const sync = connectClient(server.api.url);
  try {
    const watched = watch(sync.client, listMessages, { channel: "panel" });
    await watched.next(() => true);
    await until(() => liveQueriesView(source()).queries.some((q) => q.updatedAt !== null));
    const [listed, ...others] = liveQueriesView(source()).queries;
    assert.equal(others.length, 0);
    assert.deepEqual(
      { component: listed!.component, name: listed!.name, args: listed!.args, runs: listed!.runs },
      { component: "", name: "messages:list", args: { channel: "panel" }, runs: 1 },
    );
    assert.equal(typeof listed!.session, "number");
    assert.equal(typeof listed!.client, "string");
  } finally {
    await sync.client.close();
  }
  // Not serving: nothing to list, and no origin to point at.
  assert.deepEqual(liveQueriesView({ session: { state: { kind: "stopped" }, serving: null } }), { apiUrl: null, queries: [] });
});

// @convex-dev/sharded-counter, unchanged, through a real serve of test/fixtures/sharded-counter-app:
// increments and counts from app mutations, queries and an action; the shards live in the
// component's `counters` table, and the app's own `counters` table is a different one.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { call, documents } from "./published-support";

interface Totals {
  visits: number;
  beans: number;
  unknown: number;
  appRows: string[];
}

let server: FixtureServer;

before(async () => {
  server = await serveFixture("sharded-counter-app");
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
});

after(async () => {
  await server?.stop();
});

const shardsOf = async (name: string) => (await documents(server, "shardedCounter/counters")).filter((doc) => doc.name === name);

test("increments from a mutation and an action add up; a query counts them", async () => {
  assert.equal(await call(server, "counts:visit", { times: 10 }), 10);
  assert.equal(await call(server, "counts:visitFromAction"), 11);
  await call(server, "counts:addBeans", { count: 7 });
  await call(server, "counts:removeBeans", { count: 2 });
  assert.deepEqual(await call<Totals>(server, "counts:totals"), { visits: 11, beans: 5, unknown: 0, appRows: ["added 7 beans"] });
});

test("the shards live in the component's table, at most as many as configured per key", async () => {
  const visits = await shardsOf("visits");
  assert.ok(visits.length >= 1 && visits.length <= 4, `${visits.length} shards for visits`);
  assert.equal(
    visits.reduce((sum, doc) => sum + (doc.value as number), 0),
    11,
  );
  for (const doc of visits) assert.ok(Number.isInteger(doc.shard) && (doc.shard as number) >= 0 && (doc.shard as number) < 4);
  const beans = await shardsOf("beans");
  assert.ok(beans.length >= 1 && beans.length <= 2, `${beans.length} shards for beans`);
  assert.equal(
    beans.reduce((sum, doc) => sum + (doc.value as number), 0),
    5,
  );
  // The app's `counters` holds the app's rows only.
  assert.deepEqual(
    (await documents(server, "counters")).map((doc) => doc.label),
    ["added 7 beans"],
  );
});

test("rebalance spreads a count evenly over every shard; reset clears a key", async () => {
  await call(server, "counts:rebalance");
  const visits = await shardsOf("visits");
  assert.deepEqual(visits.map((doc) => doc.shard).sort(), [0, 1, 2, 3]);
  for (const doc of visits) assert.equal(doc.value, 11 / 4);
  await call(server, "counts:reset");
  const totals = await call<Totals>(server, "counts:totals");
  assert.equal(totals.beans, 0);
  assert.equal(totals.visits, 11);
});

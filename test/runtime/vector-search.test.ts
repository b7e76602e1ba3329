// `ctx.vectorSearch` through a real serve of test/fixtures/vector-app: the docs' example (similar
// foods, by cuisine), the backend's errors as an action sees them, actions only, a component's own
// index beside the app's table of the same name, a 1,536-dimension vector pasted into the functions
// panel's runner, the Data tab's index list, and results that survive a restart.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { listTables, runForInspector } from "../../runtime/inspect";
import { parseJsonObject } from "../../webview/functions/parse-json";
import { rng } from "../store/helpers";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;

before(async () => {
  server = await serveFixture("vector-app");
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
});

after(async () => {
  await server?.stop();
});

type UdfType = "query" | "mutation" | "action";

async function call<T>(name: string, args: Record<string, unknown>, udfType: UdfType, componentPath = ""): Promise<T> {
  const outcome = await server.runtime.runFunction(name, args as never, { udfType, componentPath });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.value as T;
}

async function failure(name: string, args: Record<string, unknown>, udfType: UdfType, componentPath = ""): Promise<string> {
  const outcome = await server.runtime.runFunction(name, args as never, { udfType, componentPath });
  assert.equal(outcome.ok, false, `${name} should fail`);
  return outcome.ok ? "" : outcome.error.message;
}

const FOODS = [
  { description: "crepe", cuisine: "French", embedding: [0.9, 0.1, 0.05] },
  { description: "ratatouille", cuisine: "French", embedding: [0.6, 0.7, 0.1] },
  { description: "rendang", cuisine: "Indonesian", spicy: true, embedding: [0.1, 0.9, 0.4] },
  { description: "satay", cuisine: "Indonesian", embedding: [0.2, 0.8, 0.1] },
  { description: "sushi", cuisine: "Japanese", embedding: [0.05, 0.1, 0.95] },
];

type Scored = Array<{ description: string; score: number }>;

test("similar foods come back best first, with cosine scores; q.eq and q.or filter by cuisine", async () => {
  for (const food of FOODS) await call("foods:add", food, "mutation");
  const all = await call<Scored>("foods:similar", { vector: [1, 0.3, 0] }, "action");
  assert.deepEqual(
    all.map((r) => r.description),
    ["crepe", "ratatouille", "satay", "rendang", "sushi"],
  );
  assert.ok(all[0]!.score > 0.95 && all[0]!.score <= 1, String(all[0]!.score));
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.score >= all[i]!.score);
  assert.deepEqual(
    (await call<Scored>("foods:similar", { vector: [1, 0.3, 0], cuisine: "Indonesian" }, "action")).map((r) => r.description),
    ["satay", "rendang"],
  );
  assert.deepEqual(
    (await call<Scored>("foods:similar", { vector: [0, 0, 1], cuisines: ["Japanese", "French"], limit: 2 }, "action")).map(
      (r) => r.description,
    ),
    ["sushi", "ratatouille"],
  );
});

test("writes show in the next search, at once: a patched vector, deleted documents", async () => {
  await call("foods:setEmbedding", { description: "sushi", embedding: [1, 0.3, 0] }, "mutation");
  assert.equal((await call<Scored>("foods:similar", { vector: [1, 0.3, 0], limit: 1 }, "action"))[0]!.description, "sushi");
  await call("foods:removeAll", { cuisine: "Japanese" }, "mutation");
  const left = await call<Scored>("foods:similar", { vector: [1, 0.3, 0] }, "action");
  assert.deepEqual(
    left.map((r) => r.description),
    ["crepe", "ratatouille", "satay", "rendang"],
  );
  await call("foods:add", FOODS[4]!, "mutation");
});

test("a wrong dimension count and a filter on a field that is not a filter field fail with the backend's errors", async () => {
  assert.match(
    await failure("foods:similar", { vector: [1, 0] }, "action"),
    /^Uncaught Error: Expected a vector with dimensions 3, received 2\.$/m,
  );
  assert.match(
    await failure("foods:search", { table: "foods", index: "by_embedding", vector: [1, 0, 0], filterField: "description" }, "action"),
    /Vector query against foods\.by_embedding contains a filter on "description" but that field isn't indexed for filtering in `filterFields`\./,
  );
  assert.match(
    await failure("foods:search", { table: "foods", index: "by_embedding", vector: [1, 0, 0], limit: 300 }, "action"),
    /Vector queries can fetch at most 256 results, requested 300\./,
  );
  assert.match(
    await failure("foods:search", { table: "foods", index: "by_cuisine", vector: [1, 0, 0] }, "action"),
    /Index foods\.by_cuisine is not a vector index/,
  );
  assert.match(
    await failure("foods:search", { table: "drinks", index: "by_embedding", vector: [1, 0, 0] }, "action"),
    /Index drinks\.by_embedding not found\./,
  );
  // ctx.vectorSearch is an action's: a query that sends the syscall anyway gets the backend's answer.
  assert.match(await failure("foods:fromQuery", {}, "query"), /Unknown async operation 1\.0\/actions\/vectorSearch/);
});

test("a component searches its own table; the app's table of the same name is another index", async () => {
  await call("notes:add", { text: "app note", embedding: [1, 0, 0] }, "mutation");
  await call("notes:addToComponent", { text: "east", tag: "compass", embedding: [1, 0] }, "mutation");
  await call("notes:addToComponent", { text: "north", tag: "compass", embedding: [0, 1] }, "mutation");
  await call("notes:addToComponent", { text: "up", tag: "other", embedding: [0.1, 1] }, "mutation");
  assert.deepEqual(await call("notes:similarInComponent", { vector: [0.2, 1] }, "action"), ["up", "north", "east"]);
  assert.deepEqual(await call("notes:similarInComponent", { vector: [0.2, 1], tag: "compass" }, "action"), ["north", "east"]);
  assert.deepEqual(await call("notes:similar", { vector: [1, 0, 0] }, "action"), ["app note"]);
  // The component's error names its table as the component knows it.
  const error = await failure("public:badFilter", {}, "action", "notes");
  assert.match(error, /Vector query against notes\.by_embedding contains a filter on "text"/);
  assert.doesNotMatch(error, /notes\/notes/);
});

/** Deterministic embeddings of OpenAI's size: each topic a direction, each chunk near its topic. */
function embeddings(): { chunks: Array<{ text: string; topic: string; embedding: number[] }>; query: number[] } {
  const random = rng(1536);
  const direction = () => Array.from({ length: 1536 }, () => random() * 2 - 1);
  const lens = direction();
  const sea = direction();
  const near = (base: number[], amount: number) => base.map((x) => x + amount * (random() * 2 - 1));
  const chunks = [
    { text: "lens: exact", topic: "lens", embedding: near(lens, 0.01) },
    { text: "lens: close", topic: "lens", embedding: near(lens, 0.5) },
    { text: "lens: far", topic: "lens", embedding: near(lens, 2) },
    { text: "sea: close", topic: "sea", embedding: near(sea, 0.1) },
  ];
  return { chunks, query: near(lens, 0.001) };
}

test("the functions panel's runner runs a vector search with a pasted 1,536-number vector", async () => {
  const { chunks, query } = embeddings();
  for (const chunk of chunks) await call("chunks:add", chunk, "mutation");
  // As the panel does it: the text typed (pasted) into the arguments, parsed, sent to the runtime.
  const typed = `{\n  "vector": [${query.join(", ")}],\n  "topic": "lens"\n}`;
  const parsed = parseJsonObject(typed, "Arguments", true);
  assert.ok(parsed.ok);
  const run = await runForInspector(server.runtime, {
    component: "",
    name: "chunks:search",
    args: parsed.value as never,
    authorization: null,
  });
  assert.equal(run.outcome, "success", run.error ?? "");
  const results = JSON.parse(run.result!) as Array<{ text: string; score: number }>;
  assert.deepEqual(
    results.map((r) => r.text),
    ["lens: exact", "lens: close", "lens: far"],
  );
  assert.ok(results[0]!.score > 0.9999, String(results[0]!.score));
  // Without the filter, the other topic's chunk comes last.
  const unfiltered = await call<Array<{ text: string }>>("chunks:search", { vector: query }, "action");
  assert.equal(unfiltered.at(-1)!.text, "sea: close");
});

test("the Data tab lists each table's vector index with its dimensions and filter fields, a component's too", async () => {
  const tables = await listTables(server.runtime.store);
  const foods = tables.find((t) => t.component === "" && t.name === "foods")!;
  assert.deepEqual(foods.indexes, [
    { name: "by_cuisine", kind: "database", fields: ["cuisine"], detail: null, staged: false },
    {
      name: "by_embedding",
      kind: "vector",
      fields: ["embedding", "cuisine", "spicy"],
      detail: "3 dimensions, filters: cuisine, spicy",
      staged: false,
    },
  ]);
  const componentNotes = tables.find((t) => t.component === "notes" && t.name === "notes")!;
  assert.deepEqual(componentNotes.indexes, [
    { name: "by_embedding", kind: "vector", fields: ["embedding", "tag"], detail: "2 dimensions, filters: tag", staged: false },
  ]);
});

test("after a restart the same searches give the same results", async () => {
  const before = await call<Scored>("foods:similar", { vector: [0.3, 0.5, 0.2] }, "action");
  const inComponent = await call("notes:similarInComponent", { vector: [0.2, 1] }, "action");
  const dataDir = server.dataDir;
  await server.stop({ removeData: false });
  server = await serveFixture("vector-app", { dataDir });
  assert.deepEqual(await call<Scored>("foods:similar", { vector: [0.3, 0.5, 0.2] }, "action"), before);
  assert.deepEqual(await call("notes:similarInComponent", { vector: [0.2, 1] }, "action"), inComponent);
});

// Differential check of vector search against convex-test (0.0.60), which implements
// `ctx.vectorSearch` by scoring every document: the same writes and searches on
// test/fixtures/vector-app must find the same documents in the same order, with the same scores.
// Left out where convex-test simplifies: it has no default limit (10 on Convex: every search here
// names one), scores in f64 (Convex returns f32: compared to 1e-6), checks neither dimensions nor
// filter fields (only valid queries here), and fails on documents without a vector (all have one).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { convexTest } from "convex-test";
import { anyApi, type FunctionReference } from "convex/server";
import { rng } from "../store/helpers";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

const FIXTURE = "../fixtures/vector-app/convex";

let server: FixtureServer;
before(async () => {
  server = await serveFixture("vector-app");
});
after(async () => {
  await server?.stop();
});

type Scored = Array<{ description: string; score: number }>;
type Search = { vector: number[]; limit: number; cuisine?: string; cuisines?: string[] };

/** The writes and searches, from one seed. */
function scenario(): { foods: Array<{ description: string; cuisine: string; embedding: number[] }>; searches: Search[] } {
  const random = rng(2024);
  const cuisines = ["French", "Indonesian", "Japanese", "Thai"];
  const vector = () => [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1];
  const foods = Array.from({ length: 60 }, (_, i) => ({ description: `food ${i}`, cuisine: cuisines[i % 4]!, embedding: vector() }));
  const searches: Search[] = Array.from({ length: 12 }, (_, i) => {
    const search: Search = { vector: vector(), limit: 1 + Math.floor(random() * 25) };
    if (i % 3 === 1) search.cuisine = cuisines[i % 4]!;
    if (i % 3 === 2) search.cuisines = [cuisines[i % 4]!, cuisines[(i + 1) % 4]!];
    return search;
  });
  return { foods, searches };
}

test("the same searches find the same foods, in the same order, with the same scores, in Convex Lens and in convex-test", async () => {
  const { foods, searches } = scenario();
  const schema = (await import(`${FIXTURE}/schema.ts`)).default;
  // convex-test finds the functions' root by a path under `_generated`; the fixture has no generated code.
  const t = convexTest(schema, {
    "./_generated/api.ts": () => import(`${FIXTURE}/schema.ts`),
    "./foods.ts": () => import(`${FIXTURE}/foods.ts`),
  });
  const add = anyApi.foods!.add as FunctionReference<"mutation">;
  const similar = anyApi.foods!.similar as FunctionReference<"action">;
  for (const food of foods) {
    await t.mutation(add, food);
    const outcome = await server.runtime.runFunction("foods:add", food, { udfType: "mutation" });
    assert.ok(outcome.ok);
  }
  for (const [i, search] of searches.entries()) {
    const theirs = (await t.action(similar, search)) as Scored;
    const outcome = await server.runtime.runFunction("foods:similar", search, { udfType: "action" });
    assert.ok(outcome.ok, outcome.ok ? "" : outcome.error.message);
    const ours = outcome.value as Scored;
    assert.ok(theirs.length > 0 && theirs.length <= search.limit, `search ${i} finds something`);
    assert.deepEqual(
      ours.map((r) => r.description),
      theirs.map((r) => r.description),
      `search ${i}`,
    );
    for (const [rank, result] of ours.entries()) {
      assert.ok(
        Math.abs(result.score - theirs[rank]!.score) < 1e-6,
        `search ${i}, rank ${rank}: ${result.score} vs ${theirs[rank]!.score}`,
      );
    }
  }
});

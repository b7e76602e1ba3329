// The bench app under convex-test, in this process: the baseline users would otherwise run. An
// explicit modules map keeps convex-test from using `import.meta.glob` (this is plain Node).
import { convexTest } from "convex-test";
import { anyApi, type FunctionReference } from "convex/server";
import schema from "../app/convex/schema";
import { SEED_BATCH } from "./load";

export type ConvexTestApp = ReturnType<typeof convexTest>;

export function newConvexTestApp(): ConvexTestApp {
  return convexTest(schema, {
    "./_generated/api.ts": () => import("./generated-stub"),
    "./schema.ts": () => import("../app/convex/schema"),
    "./items.ts": () => import("../app/convex/items"),
    "./http.ts": () => import("../app/convex/http"),
  });
}

const items = anyApi.items!;
const seed = items.seed as FunctionReference<"mutation">;
const trim = items.trim as FunctionReference<"mutation">;
export const rangeQuery = items.range as FunctionReference<"query">;

export async function seedConvexTest(t: ConvexTestApp, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += SEED_BATCH) {
    await t.mutation(seed, { start, count: Math.min(SEED_BATCH, to - start) });
  }
}

export async function trimConvexTest(t: ConvexTestApp): Promise<void> {
  while (((await t.mutation(trim, { limit: SEED_BATCH })) as number) === SEED_BATCH);
}

/** /pair requests answered one after another for about `seconds`: how many, and per second. */
export async function pairsPerSecond(t: ConvexTestApp, seconds: number): Promise<{ count: number; perSecond: number }> {
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < seconds * 1000) {
    const response = await t.fetch("/pair", { method: "POST" });
    if (response.status !== 200) throw new Error(`convex-test /pair: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
    count++;
  }
  return { count, perSecond: count / ((performance.now() - started) / 1000) };
}

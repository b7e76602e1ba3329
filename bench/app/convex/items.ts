// The benchmark's functions. Written with the generic builders from `convex/server` (what the
// generated `_generated/server` re-exports) so the app needs no codegen, here or in convex-test.
import { internalMutationGeneric, internalQueryGeneric, mutationGeneric, queryGeneric } from "convex/server";
import { v } from "convex/values";

/** Documents the HTTP route inserts get `n` from here up, so `trim` can take them out again. */
export const LIVE_BASE = 1_000_000_000;
const BODY = "x".repeat(100);

/** Seeds documents n = start … start+count-1 in one transaction (public: the function API refuses internal ones). */
export const seed = mutationGeneric({
  args: { start: v.number(), count: v.number() },
  handler: async (ctx, { start, count }) => {
    for (let n = start; n < start + count; n++) await ctx.db.insert("items", { key: `k${n}`, n, body: BODY });
    return count;
  },
});

/** Deletes up to `limit` documents inserted by the HTTP route; returns how many it deleted. */
export const trim = mutationGeneric({
  args: { limit: v.number() },
  handler: async (ctx, { limit }) => {
    const docs = await ctx.db
      .query("items")
      .withIndex("by_n", (q) => q.gte("n", LIVE_BASE))
      .take(limit);
    for (const doc of docs) await ctx.db.delete(doc._id);
    return docs.length;
  },
});

/** The 100 documents with from <= n < from + 100 (an index range read). */
export const range = queryGeneric({
  args: { from: v.number() },
  handler: async (ctx, { from }) => {
    return await ctx.db
      .query("items")
      .withIndex("by_n", (q) => q.gte("n", from).lt("n", from + 100))
      .collect();
  },
});

export const insert = internalMutationGeneric({
  args: { key: v.string(), n: v.number() },
  handler: async (ctx, { key, n }) => await ctx.db.insert("items", { key, n, body: BODY }),
});

export const byKey = internalQueryGeneric({
  args: { key: v.string() },
  handler: async (ctx, { key }) => {
    return await ctx.db
      .query("items")
      .withIndex("by_key", (q) => q.eq("key", key))
      .unique();
  },
});

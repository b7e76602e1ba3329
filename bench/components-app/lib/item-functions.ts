// The functions both sides of the components benchmark run: the app defines them in its own
// module and the `store` component in its, from this one definition, so that the only difference
// measured is the component boundary.
import { defineTable, mutationGeneric, queryGeneric } from "convex/server";
import { v } from "convex/values";

export const itemsTable = defineTable({ key: v.string(), n: v.number() }).index("by_key", ["key"]);

export function itemFunctions() {
  return {
    insert: mutationGeneric({
      args: { key: v.string(), n: v.number() },
      handler: async (ctx, { key, n }) => await ctx.db.insert("items", { key, n }),
    }),
    byKey: queryGeneric({
      args: { key: v.string() },
      handler: async (ctx, { key }) =>
        await ctx.db
          .query("items")
          .withIndex("by_key", (q) => q.eq("key", key))
          .unique(),
    }),
  };
}

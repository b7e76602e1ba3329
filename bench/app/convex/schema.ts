// One table with two indexes: `by_key` for point lookups, `by_n` for range reads and trimming.
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  items: defineTable({
    key: v.string(),
    n: v.number(),
    body: v.string(),
  })
    .index("by_key", ["key"])
    .index("by_n", ["n"]),
});

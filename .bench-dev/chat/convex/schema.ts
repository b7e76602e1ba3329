import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  messages: defineTable({
    author: v.string(),
    body: v.string(),
    format: v.union(v.literal("text"), v.literal("image")),
    storageId: v.optional(v.id("_storage")),
  }).index("by_author", ["author"]),
});

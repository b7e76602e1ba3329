import { v } from "convex/values";
import { internalMutation, internalQuery, type MutationCtx, mutation, query } from "./_generated/server";

export const list = query({
  args: { limit: v.optional(v.number()) },
  handler: async (ctx, { limit }) => {
    return await ctx.db
      .query("messages")
      .order("desc")
      .take(limit ?? 50);
  },
});

export const byAuthor = internalQuery({
  args: { author: v.string() },
  handler: async (ctx, { author }) => {
    return await ctx.db
      .query("messages")
      .withIndex("by_author", (q) => q.eq("author", author))
      .collect();
  },
});

export const get = internalQuery({
  args: { id: v.id("messages") },
  handler: async (ctx, { id }) => await ctx.db.get(id),
});

const textMessage = {
  args: { author: v.string(), body: v.string() },
  handler: async (ctx: MutationCtx, { author, body }: { author: string; body: string }) => {
    const id = await ctx.db.insert("messages", { author, body, format: "text" });
    console.log("stored message", id, "from", author);
    return id;
  },
};

// POST /postMessage (convex/http.ts) stores through this one.
export const sendOne = internalMutation(textMessage);

// The web page (src/App.tsx) sends with this one, from the browser.
export const send = mutation(textMessage);

export const sendImage = mutation({
  args: { author: v.string(), storageId: v.id("_storage") },
  handler: async (ctx, { author, storageId }) => {
    return await ctx.db.insert("messages", { author, body: storageId, format: "image", storageId });
  },
});

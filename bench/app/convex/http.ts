// The benchmark's routes: a trivial one, and one that writes then reads through an index.
import { anyApi, httpActionGeneric, httpRouter } from "convex/server";
import { LIVE_BASE } from "./items";

const http = httpRouter();

http.route({
  path: "/ok",
  method: "GET",
  handler: httpActionGeneric(async () => new Response("ok")),
});

// runMutation (insert) + runQuery (index lookup of the document just inserted).
http.route({
  path: "/pair",
  method: "POST",
  handler: httpActionGeneric(async (ctx) => {
    const n = LIVE_BASE + Math.floor(Math.random() * LIVE_BASE);
    const key = `live-${n}-${Math.random().toString(36).slice(2)}`;
    await ctx.runMutation(anyApi.items!.insert!, { key, n });
    const doc = await ctx.runQuery(anyApi.items!.byKey!, { key });
    if (doc === null) return new Response("inserted document not found", { status: 500 });
    return Response.json({ id: doc._id });
  }),
});

export default http;

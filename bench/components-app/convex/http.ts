// Two routes doing the same insert + index lookup: one in the app, one through the component.
import { anyApi, componentsGeneric, httpActionGeneric, httpRouter, type FunctionReference } from "convex/server";

const components = componentsGeneric();
const http = httpRouter();

function pairRoute(insert: FunctionReference<"mutation">, byKey: FunctionReference<"query">) {
  return httpActionGeneric(async (ctx) => {
    const key = `k-${Math.random().toString(36).slice(2)}`;
    await ctx.runMutation(insert, { key, n: 1 });
    const doc = await ctx.runQuery(byKey, { key });
    return doc === null ? new Response("inserted document not found", { status: 500 }) : Response.json({ id: doc._id });
  });
}

http.route({ path: "/pair", method: "POST", handler: pairRoute(anyApi.items!.insert!, anyApi.items!.byKey!) });
http.route({
  path: "/pair-component",
  method: "POST",
  handler: pairRoute(
    components.store!.items!.insert as FunctionReference<"mutation">,
    components.store!.items!.byKey as FunctionReference<"query">,
  ),
});

export default http;

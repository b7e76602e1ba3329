// The baseline for the trivial route: bare Hono on @hono/node-server answering "ok", in a child
// process of its own like `convex-lens serve`. Prints its URL, then serves until killed.
import { Hono } from "hono";
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";

const app = new Hono();
app.get("/ok", (c) => c.text("ok"));

serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) => {
  console.log(`listening on http://127.0.0.1:${info.port}`);
});
process.on("SIGTERM", () => process.exit(0));

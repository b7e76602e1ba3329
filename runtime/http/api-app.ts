// The API origin (like https://<name>.convex.cloud): files and the Convex function API. Feature
// modules add their routes to it; unknown paths get a plain 404. CORS on /api/* comes first.
import type { HttpBindings } from "@hono/node-server";
import { Hono } from "hono";
import { apiCors } from "./api-cors";
import type { Runtime } from "../host/runtime";
import { NotServingError } from "../host/not-serving";

export function createApiApp(options: { allowedOrigins?: readonly string[] } = {}): Hono {
  const app = new Hono();
  app.use("/api/*", apiCors(options.allowedOrigins ?? []));
  return app;
}

export function finishApiApp(app: Hono, runtime: Runtime): void {
  app.notFound((c) => c.text(`No API route for ${c.req.method} ${new URL(c.req.url).pathname}`, 404));
  app.onError((error, c) => {
    const { incoming } = c.env as HttpBindings;
    // A client that hangs up mid-upload is no fault of ours: one line, no stack trace. Nobody
    // reads the answer.
    if (incoming.destroyed && !incoming.complete) {
      runtime.notice(`${c.req.method} ${new URL(c.req.url).pathname}: the client closed the connection before the request was complete.`);
      return c.text("The request was cut off.", 400);
    }
    // The store closed under a request still running when serving stopped.
    if (runtime.state.kind === "stopped") return c.text(NotServingError.stopped().message, 503);
    console.error(error);
    return c.text("Internal Server Error", 500);
  });
}

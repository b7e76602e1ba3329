// The API origin (like https://<name>.convex.cloud): files and the Convex function API. Feature
// modules add their routes to it; unknown paths get a plain 404.
import { Hono } from "hono";

export function createApiApp(): Hono {
  return new Hono();
}

export function finishApiApp(app: Hono): void {
  app.notFound((c) => c.text(`No API route for ${c.req.method} ${new URL(c.req.url).pathname}`, 404));
}

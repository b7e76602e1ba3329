// The API origin (like https://<name>.convex.cloud): files and the Convex function API. Feature
// modules add their routes to it; unknown paths get a plain 404. CORS on /api/* comes first.
import { Hono } from "hono";
import { apiCors } from "./api-cors";

export function createApiApp(options: { allowedOrigins?: readonly string[] } = {}): Hono {
  const app = new Hono();
  app.use("/api/*", apiCors(options.allowedOrigins ?? []));
  return app;
}

export function finishApiApp(app: Hono): void {
  app.notFound((c) => c.text(`No API route for ${c.req.method} ${new URL(c.req.url).pathname}`, 404));
}

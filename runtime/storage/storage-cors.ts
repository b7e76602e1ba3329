// CORS of the storage endpoints, as the backend sends it: browsers upload to the URL of
// generateUploadUrl() and load files from getUrl() cross-origin. The backend wraps its /api routes
// in tower-http's CorsLayer (`cors()` in crates/local_backend/src/router.rs): origin and request
// headers mirrored, credentials allowed, a fixed method list, one day of preflight caching, and
// tower-http's default `Vary`. Every OPTIONS is answered as a preflight (200, empty body).
import type { MiddlewareHandler } from "hono";

const ALLOW_METHODS = "GET,POST,OPTIONS,PATCH,DELETE,PUT";
const VARY = "origin, access-control-request-method, access-control-request-headers";
const MAX_AGE_SECONDS = "86400";

function commonHeaders(headers: Headers, origin: string | undefined): void {
  if (origin !== undefined) headers.set("access-control-allow-origin", origin);
  headers.set("access-control-allow-credentials", "true");
  headers.append("vary", VARY);
}

export function storageCors(): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (c.req.method === "OPTIONS") {
      const headers = new Headers();
      commonHeaders(headers, origin);
      headers.set("access-control-allow-methods", ALLOW_METHODS);
      const requested = c.req.header("access-control-request-headers");
      if (requested !== undefined) headers.set("access-control-allow-headers", requested);
      headers.set("access-control-max-age", MAX_AGE_SECONDS);
      return new Response(null, { status: 200, headers });
    }
    await next();
    commonHeaders(c.res.headers, origin);
  };
}

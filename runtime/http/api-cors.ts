// CORS of the API origin's /api/* routes (function API and storage). The local backend wraps them
// in tower-http's CorsLayer (`cors()` in crates/local_backend/src/router.rs): origin and request
// headers mirrored, credentials allowed, a fixed method list, one day of preflight caching,
// tower-http's default `Vary`, and every OPTIONS answered as a preflight (200, empty body). We
// answer the same, but by default only to pages on this machine — a loopback origin
// (http or https, localhost, 127.0.0.1 or [::1], any port) — and to the origins the user allows.
// A request from any other page, preflight or not, is refused with 403: a site you visit must not
// call the functions of the project you are working on. Requests without Origin (ConvexHttpClient
// in Node, curl, the extension) are not cross-origin and pass untouched.
import type { MiddlewareHandler } from "hono";

const ALLOW_METHODS = "GET,POST,OPTIONS,PATCH,DELETE,PUT";
const VARY = "origin, access-control-request-method, access-control-request-headers";
const MAX_AGE_SECONDS = "86400";
const LOOPBACK_HOSTNAMES = ["localhost", "127.0.0.1", "[::1]"];
/** How much of a refused Origin the answer repeats. */
const SHOWN_LENGTH = 100;

/** A page on this machine: what a browser sends as Origin for http(s)://<loopback name>[:port]. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && LOOPBACK_HOSTNAMES.includes(url.hostname) && url.origin === origin;
}

function commonHeaders(headers: Headers, origin: string | undefined): void {
  if (origin !== undefined) headers.set("access-control-allow-origin", origin);
  headers.set("access-control-allow-credentials", "true");
  headers.append("vary", VARY);
}

/** Whether a page on `origin` may call the API origin: loopback pages and the origins allowed. */
export function originAllowed(allowedOrigins: readonly string[]): (origin: string) => boolean {
  const anyOrigin = allowedOrigins.includes("*");
  return (origin) => anyOrigin || isLoopbackOrigin(origin) || allowedOrigins.includes(origin);
}

/** What a page on a refused origin is told (the function API and the sync WebSocket alike). */
export function originRefusal(origin: string): string {
  const shown = origin.length > SHOWN_LENGTH ? `${origin.slice(0, SHOWN_LENGTH)}…` : origin;
  return [
    `Convex Lens refused this request from a page on ${shown}: the API origin answers web pages on this machine only`,
    "(http or https on localhost, 127.0.0.1 or [::1], any port), so that a site you visit cannot call your functions.",
    `To allow this page, start with --allow-origin ${shown}, or add it to the VS Code setting convexLens.allowedOrigins.`,
    "",
  ].join("\n");
}

function refused(origin: string): Response {
  return new Response(originRefusal(origin), {
    status: 403,
    headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", vary: VARY },
  });
}

/** `allowedOrigins` as allowedNamesOf gives them: serialized origins, or "*" for all. */
export function apiCors(allowedOrigins: readonly string[]): MiddlewareHandler {
  const allowed = originAllowed(allowedOrigins);
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin !== undefined && !allowed(origin)) return refused(origin);
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

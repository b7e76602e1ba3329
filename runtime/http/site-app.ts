// The site origin (like https://<name>.convex.site): every request goes to the project's HTTP
// router, with the backend's answers when there is no router or no route.
import { Hono } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Runtime } from "../host/runtime";
import { newRequestId } from "../host/runtime";
import { BodyAbortedError, BodyTooLargeError, readBodyWithLimit } from "./read-body";

/** The backend's /http router rejects request bodies over 20 MiB (DefaultBodyLimit). */
export const REQUEST_BODY_LIMIT = 20 * 1024 * 1024;
const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function serverError(requestId: string, message: string): Response {
  const body = { code: `[Request ID: ${requestId}] Server Error: ${message}` };
  return new Response(JSON.stringify(body), { status: 500, headers: { "content-type": "application/json" } });
}

export function createSiteApp(runtime: Runtime): Hono {
  const app = new Hono();
  app.all("*", async (c) => {
    const raw = c.req.raw;
    const requestId = raw.headers.get("convex-request-id") ?? newRequestId();
    if (!runtime.ready) {
      const reason = runtime.state.kind === "build-failed" ? "the project does not build; see the runtime's output" : "the project is still loading";
      return serverError(requestId, `Convex Lens cannot serve this request: ${reason}`);
    }
    if (!runtime.hasHttp) return text(404, "This Convex deployment does not have HTTP actions enabled.");
    const incoming = new URL(raw.url);
    // request.url is the site URL with the original path and query, as the backend builds it.
    const host = raw.headers.get("host") || incoming.host;
    const url = `http://${host}${incoming.pathname}${incoming.search}`;
    const headers: Array<[string, string]> = [];
    raw.headers.forEach((value, name) => headers.push([name, value]));
    let body: ArrayBuffer | null = null;
    if (!BODYLESS.has(raw.method)) {
      try {
        body = await readBodyWithLimit(raw, REQUEST_BODY_LIMIT);
      } catch (error) {
        // Nobody reads this answer: the client is gone. It only keeps the error out of the log.
        if (error instanceof BodyAbortedError) return text(400, error.message);
        if (!(error instanceof BodyTooLargeError)) throw error;
        return text(413, `Request body is larger than the HTTP action limit of ${REQUEST_BODY_LIMIT} bytes (20 MiB).`);
      }
    }
    let ip: string | null = null;
    try {
      ip = getConnInfo(c).remote.address ?? null;
    } catch {
      ip = null;
    }
    try {
      return await runtime.runHttp({ method: raw.method, url, headers, body, requestId, ip, signal: raw.signal });
    } catch (error) {
      const message = error && typeof error === "object" && "message" in error ? String(error.message) : String(error);
      return serverError(requestId, message);
    }
  });
  return app;
}

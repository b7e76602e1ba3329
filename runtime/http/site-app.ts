// The site origin (like https://<name>.convex.site): every request goes to the project's HTTP
// router, with the backend's answers when there is no router or no route.
//
// This is the hot path of every HTTP action, so it works on Node's own request and response
// (which @hono/node-server hands over as `c.env`) instead of web `Request`/`Response` objects:
// building those on this thread, only to take them apart again for the worker, cost more CPU
// than a trivial action does (bench/RESULTS.md, figure 1).
import { Hono } from "hono";
import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Runtime } from "../host/runtime";
import { newRequestId } from "../host/runtime";
import { NotServingError } from "../host/not-serving";
import type { HttpAnswer } from "../host/user-code-worker";
import { BodyAbortedError, BodyTooLargeError, readIncomingBody } from "./read-body";
import { writeComplete, writeStreamed } from "./write-answer";

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

/** A project that does not build is a server error, with the build's errors; the rest is temporary. */
function notServing(requestId: string, error: unknown): Response {
  if (!(error instanceof NotServingError)) throw error;
  if (error.reason === "build-failed") return serverError(requestId, error.message);
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (error.reason === "still-loading") headers["retry-after"] = "1";
  return new Response(error.message, { status: 503, headers });
}

/** The request's headers as sent (names as the client wrote them), plus the few the server reads. */
function readHeaders(rawHeaders: string[]) {
  const headers: Array<[string, string]> = [];
  let requestId: string | null = null;
  let contentLength: string | null = null;
  let host: string | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    headers.push([name, value]);
    const lower = name.toLowerCase();
    if (lower === "convex-request-id") requestId ??= value;
    else if (lower === "content-length") contentLength ??= value;
    else if (lower === "host") host ??= value;
  }
  return { headers, requestId, contentLength, host };
}

export function createSiteApp(runtime: Runtime): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.all("*", async (c) => {
    const { incoming, outgoing } = c.env;
    const { headers, requestId: sentRequestId, contentLength, host } = readHeaders(incoming.rawHeaders);
    const requestId = sentRequestId ?? newRequestId();
    if (!runtime.ready) {
      try {
        // Waits for a load in progress.
        await runtime.whenServing();
      } catch (error) {
        return notServing(requestId, error);
      }
    }
    if (!runtime.hasHttp) return text(404, "This Convex deployment does not have HTTP actions enabled.");
    // request.url is the site URL with the original path and query, as the backend builds it;
    // @hono/node-server has already checked the Host header it is made from. A proxy-style
    // absolute target ("GET http://other/path") keeps the Host header's host.
    const url = incoming.url?.startsWith("/") || !host ? c.req.url : withHost(c.req.url, host);
    const method = c.req.method;
    let body: ArrayBuffer | null = null;
    if (!BODYLESS.has(method)) {
      try {
        body = await readIncomingBody(incoming, contentLength, REQUEST_BODY_LIMIT);
      } catch (error) {
        // Nobody reads this answer: the client is gone. It only keeps the error out of the log.
        if (error instanceof BodyAbortedError) return text(400, error.message);
        if (!(error instanceof BodyTooLargeError)) throw error;
        return text(413, `Request body is larger than the HTTP action limit of ${REQUEST_BODY_LIMIT} bytes (20 MiB).`);
      }
    }
    let answer: HttpAnswer;
    try {
      answer = await runtime.runHttp({
        method,
        url,
        headers,
        body,
        requestId,
        ip: incoming.socket?.remoteAddress ?? null,
        onClientGone: (listener) =>
          outgoing.once("close", () => {
            if (!outgoing.writableFinished) listener();
          }),
      });
    } catch (error) {
      if (error instanceof NotServingError) return notServing(requestId, error);
      const message = error && typeof error === "object" && "message" in error ? String(error.message) : String(error);
      return serverError(requestId, message);
    }
    if ("stream" in answer) void writeStreamed(outgoing, answer);
    else writeComplete(outgoing, method, answer);
    return RESPONSE_ALREADY_SENT;
  });
  return app;
}

function withHost(url: string, host: string): string {
  const parsed = new URL(url);
  return `http://${host}${parsed.pathname}${parsed.search}`;
}

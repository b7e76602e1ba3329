// The Convex function API on the API origin, as ConvexHttpClient and `npx convex run`-style
// callers use it: /api/query, /api/mutation, /api/action (+ /api/query_ts, /api/query_at_ts) and
// /api/run/<module>/<function>. Internal functions are refused; `Authorization: Bearer` is the
// identity. Bodies must be JSON (json-only.ts): no web page can post a call without a preflight.
import type { Context, Hono } from "hono";
import type { Runtime } from "../host/runtime";
import { newRequestId } from "../host/runtime";
import { bearerTokenOf } from "../shared/bearer-token";
import type { RuntimeFeature } from "../shared/feature";
import { functionFailure } from "./failure";
import { parseFunctionCall, FunctionCallError, type UdfKind } from "./parse-call";
import { BodyAbortedError, BodyTooLargeError, readBodyWithLimit } from "../http/read-body";
import { requireJsonBody } from "../http/json-only";
import { NotServingError } from "../host/not-serving";

/**
 * Function arguments are capped at 16 MiB on Convex; the JSON request that carries them gets the
 * same 20 MiB as an HTTP action body (413 beyond).
 */
export const FUNCTION_CALL_BODY_LIMIT = 20 * 1024 * 1024;

/** ConvexHttpClient treats this status as "the function failed", with a JSON body. */
export const STATUS_UDF_FAILED = 560;

function failed(body: Record<string, unknown>): Response {
  return new Response(JSON.stringify(body), { status: STATUS_UDF_FAILED, headers: { "content-type": "application/json" } });
}

export function attachFunctionApi(runtime: Runtime, api: Hono): RuntimeFeature {
  const run = async (c: Context, kind: UdfKind | null, pathFromUrl: string | null) => {
    const requestId = c.req.header("convex-request-id") ?? newRequestId();
    let call;
    try {
      // Read with a cap: an endless or huge body must not be buffered whole into memory.
      const bytes = await readBodyWithLimit(c.req.raw, FUNCTION_CALL_BODY_LIMIT);
      call = parseFunctionCall(bytes ? new TextDecoder().decode(bytes) : "", pathFromUrl);
    } catch (error) {
      if (error instanceof FunctionCallError || error instanceof BodyAbortedError) return c.text(error.message, 400);
      if (error instanceof BodyTooLargeError) {
        return c.text(`The request body is larger than the function API limit of ${FUNCTION_CALL_BODY_LIMIT} bytes (20 MiB).`, 413);
      }
      throw error;
    }
    try {
      // Waits for a load in progress.
      if (!runtime.ready) await runtime.whenServing();
    } catch (error) {
      if (!(error instanceof NotServingError)) throw error;
      if (error.reason === "build-failed")
        return failed({ status: "error", errorMessage: `[Request ID: ${requestId}] Server Error\n${error.message}`, logLines: [] });
      return c.text(error.message, 503, error.reason === "still-loading" ? { "retry-after": "1" } : {});
    }
    const udfType = kind ?? runtime.project?.functions.find((f) => f.name === call.name)?.udfType ?? "query";
    const outcome = await runtime.runFunctionJson(call.name, call.args, {
      udfType,
      publicOnly: true,
      authToken: bearerTokenOf(c.req.header("authorization")),
      caller: "api",
      requestId,
    });
    if (outcome.ok) {
      // What c.json({ status, value, logLines }) writes, with the value's JSON text as the worker
      // sent it: the host does not parse a result only to stringify it again.
      const body = `{"status":"success","value":${outcome.valueJson},"logLines":${JSON.stringify(outcome.logLines)}}`;
      return c.body(body, 200, { "content-type": "application/json" });
    }
    return failed({ status: "error", ...functionFailure(requestId, outcome.error), logLines: outcome.logLines });
  };

  api.post("/api/query", requireJsonBody, (c) => run(c, "query", null));
  // We always read the latest committed state; a timestamp-pinned read is served the same way.
  api.post("/api/query_at_ts", requireJsonBody, (c) => run(c, "query", null));
  api.post("/api/mutation", requireJsonBody, (c) => run(c, "mutation", null));
  api.post("/api/action", requireJsonBody, (c) => run(c, "action", null));
  api.post("/api/query_ts", requireJsonBody, async (c) => {
    const tx = await runtime.store.beginRead();
    try {
      return c.json({ ts: tx.snapshotTs.toString() });
    } finally {
      tx.end();
    }
  });
  api.post("/api/run/*", requireJsonBody, (c) => run(c, null, new URL(c.req.url).pathname.slice("/api/run/".length)));
  return { close() {} };
}

// HTTP actions, run the way the backend runs them: look the route up, then hand the request to
// the router's own `runRequest`, which calls back into `requestFromConvexJson` and
// `convexJsonFromResponse`. The response streams back to the host chunk by chunk.
import { setImmediate } from "node:timers";
import type { RunHttpRequest, WireError } from "../shared/protocol";
import { Execution, executionStorage, newExecutionId } from "./execution";
import type { ComponentSet } from "./component-set";
import type { HttpRouterLike } from "./function-registry";
import { routeRequest } from "./http-routing";
import type { HostChannel } from "./host-channel";
import type { FunctionRunner } from "./function-runner";
import { uncaughtError, type StackCleaner } from "./uncaught-error";
import { joinChunks } from "../shared/join-chunks";
import { requestWithSignal } from "./request-signal";
import { completeBody } from "./complete-body";

/** The backend caps HTTP action responses at 20 MiB (crates/udf/src/http_action.rs). */
export const HTTP_BODY_LIMIT = 20 << 20;
/** What the backend logs for a response over the cap. */
const RESPONSE_TOO_LARGE = "HttpResponseTooLarge: HTTP actions support responses up to 20 MiB";
const BODYLESS_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export class HttpBridge {
  #nextKey = 1;
  readonly #requests = new Map<number, Request>();
  readonly #responses = new Map<number, Response>();
  readonly #aborts = new Map<number, AbortController>();
  /** Cancels the response body being streamed for a request (its client went away). */
  readonly #bodyCancels = new Map<number, () => void>();
  runner!: FunctionRunner;

  constructor(
    private readonly components: ComponentSet,
    private readonly host: HostChannel,
    private readonly cleaner: StackCleaner,
  ) {}

  requestFromConvexJson(convexJson: { requestKey: number }): Request {
    const request = this.#requests.get(convexJson.requestKey);
    if (!request) throw new Error("The HTTP request is no longer available");
    this.#requests.delete(convexJson.requestKey);
    return request;
  }

  convexJsonFromResponse(response: unknown): { responseKey: number } {
    if (!(response instanceof Response)) throw new Error("HTTP actions must return a Response");
    const responseKey = this.#nextKey++;
    this.#responses.set(responseKey, response);
    return { responseKey };
  }

  /**
   * The client went away: the request's signal aborts, and a body still streaming is canceled, so
   * the stream's `cancel()` runs and a stream that would go on forever ends.
   */
  cancel(id: number): void {
    this.#aborts.get(id)?.abort();
    this.#bodyCancels.get(id)?.();
  }

  async handle(message: RunHttpRequest): Promise<void> {
    const pathname = new URL(message.url).pathname;
    const routed = routeRequest(this.components, pathname, message.method);
    if (!routed) {
      this.#sendText(message.id, 404, "No matching routes found");
      return;
    }
    const { node, match, routedPath } = routed;
    const [, routeMethod, routePath] = match;
    const execution = new Execution(
      newExecutionId(),
      message.requestId,
      "httpAction",
      node.path,
      `${routeMethod} ${routed.sitePrefix}${routePath}`,
      "public",
      "http",
      null,
      null,
      // A component's own HTTP actions run without auth (crates/function_runner/src/server.rs).
      node.path === "" ? message.authToken : null,
      { ip: message.ip, userAgent: headerValue(message.headers, "user-agent"), scheduledFunctionId: null },
    );
    this.runner.announce(execution);
    // Names this execution to the host's watchdog, so that a handler stuck in a loop is stopped at
    // the HTTP action limit (until its first syscall, the slot named whatever ran before).
    this.host.setRunningSlot(execution.slot);
    const abort = new AbortController();
    this.#aborts.set(message.id, abort);
    try {
      const request = requestWithSignal(
        message.url,
        { method: message.method, headers: message.headers, body: BODYLESS_METHODS.has(message.method) ? null : message.body },
        abort.signal,
      );
      const requestKey = this.#nextKey++;
      this.#requests.set(requestKey, request);
      let response: Response;
      try {
        response = await executionStorage.run(execution, () => this.#runRequest(node.registry.router!, requestKey, routedPath, match[0]));
      } catch (thrown) {
        const error = uncaughtError(thrown, this.cleaner);
        const body: Record<string, unknown> = {
          code: `[Request ID: ${message.requestId}] Server Error: ${error.message}`,
          trace: error.stack,
        };
        if (error.data !== undefined) body.data = error.data;
        this.host.send({ type: "http-head", id: message.id, status: 500, headers: [["content-type", "application/json"]] });
        this.#sendChunk(message.id, new TextEncoder().encode(JSON.stringify(body)));
        this.host.send({ type: "http-end", id: message.id, error: null });
        this.runner.finish(execution, error, 500);
        return;
      }
      const streamed = await this.#stream(message, response, execution);
      this.runner.finish(execution, streamed.error, streamed.status);
    } finally {
      this.#aborts.delete(message.id);
      this.#bodyCancels.delete(message.id);
    }
  }

  /** `routedPath`: the path the install's router matches; `request.url` keeps the whole URL, as on the backend. */
  async #runRequest(
    router: HttpRouterLike,
    requestKey: number,
    routedPath: string,
    handler: { invokeHttpAction?: (r: Request) => Promise<Response> },
  ): Promise<Response> {
    if (typeof router.runRequest === "function") {
      const result = JSON.parse(await router.runRequest(JSON.stringify({ requestKey }), routedPath)) as { responseKey: number };
      const response = this.#responses.get(result.responseKey)!;
      this.#responses.delete(result.responseKey);
      return response;
    }
    // Older routers without runRequest: call the handler directly, as the backend used to.
    const request = this.requestFromConvexJson({ requestKey });
    const response = await handler.invokeHttpAction!(request);
    const { responseKey } = this.convexJsonFromResponse(response);
    const checked = this.#responses.get(responseKey)!;
    this.#responses.delete(responseKey);
    return checked;
  }

  /**
   * Streams the body to the host; returns the status the client got and the error to record. The
   * part of the body that is ready before the event loop turns goes out with the head in one
   * message: for a complete body (text, JSON, bytes, a Blob: nearly every action) that is all of
   * it, so the host answers with a content-length in one write, and a body over the limit is known
   * before the head and answered with the backend's error instead. Only a body that streams past
   * the limit after its head went out is cut short (the backend truncates it too). A body made
   * from a string or bytes is taken as it is, without its stream (complete-body.ts).
   */
  async #stream(message: RunHttpRequest, response: Response, execution: Execution): Promise<{ status: number; error: WireError | null }> {
    const headers: Array<[string, string]> = [];
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie") headers.push([name, value]);
    });
    for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
    const head = { type: "http-head", id: message.id, status: response.status, headers } as const;
    const status = response.status;
    if (message.method === "HEAD" || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      this.host.send({ ...head, body: new Uint8Array(0) });
      return { status, error: null };
    }
    const declared = response.headers.get("content-length");
    if (declared !== null && Number(declared) > HTTP_BODY_LIMIT) {
      await response.body.cancel().catch(() => undefined);
      return this.#tooLarge(message, execution);
    }
    const complete = completeBody(response);
    if (complete !== null) {
      if (complete.byteLength > HTTP_BODY_LIMIT) return this.#tooLarge(message, execution);
      this.host.send({ ...head, body: complete }, [complete.buffer as ArrayBuffer]);
      return { status, error: null };
    }
    let headSent = false;
    /** Chunks read ahead that have not gone out yet. */
    const ready: Uint8Array[] = [];
    let sent = 0;
    const reader = response.body.getReader();
    // The stream's cancel() is user code too: it runs as part of this execution.
    this.#bodyCancels.set(message.id, () => void executionStorage.run(execution, () => reader.cancel()).catch(() => undefined));
    const read = () =>
      executionStorage.run(execution, () => {
        this.host.setRunningSlot(execution.slot); // the body's pull() is user code too
        return reader.read();
      });
    try {
      // The head waits for the first chunk; later ones count as ready if they come before the event loop turns.
      let pending = read();
      let next: ReadableStreamReadResult<Uint8Array> | null = await pending;
      for (; ; next = await Promise.race([pending, nextTurn()])) {
        if (next === null) break;
        if (next.done) {
          const body = joinChunks(ready, sent);
          this.host.send({ ...head, body }, [body.buffer as ArrayBuffer]);
          return { status, error: null };
        }
        sent += next.value.byteLength;
        if (sent > HTTP_BODY_LIMIT) {
          await reader.cancel().catch(() => undefined);
          return this.#tooLarge(message, execution);
        }
        ready.push(next.value);
        pending = read();
      }
      // A streamed head goes out now: the client sees it before whatever the stream does next.
      this.host.send(head);
      this.host.flush();
      headSent = true;
      for (const chunk of ready.splice(0)) this.#sendChunk(message.id, chunk);
      for (let streamed = await pending; !streamed.done; streamed = await pending) {
        sent += streamed.value.byteLength;
        if (sent > HTTP_BODY_LIMIT) {
          execution.log.collector.system("ERROR", [RESPONSE_TOO_LARGE], "error:httpAction");
          await reader.cancel().catch(() => undefined);
          this.host.send({ type: "http-end", id: message.id, error: "response too large" });
          return { status, error: { message: RESPONSE_TOO_LARGE } };
        }
        this.#sendChunk(message.id, streamed.value);
        pending = read();
      }
      this.host.send({ type: "http-end", id: message.id, error: null });
      return { status, error: null };
    } catch (thrown) {
      // The head is (now) out: the backend logs the error and truncates the stream.
      const error = uncaughtError(thrown, this.cleaner);
      execution.log.collector.system("ERROR", [error.stack ?? error.message], "error:httpAction");
      if (!headSent) {
        this.host.send(head);
        this.host.flush();
        for (const chunk of ready) this.#sendChunk(message.id, chunk);
      }
      this.host.send({ type: "http-end", id: message.id, error: error.message });
      return { status, error };
    }
  }

  /** A body over the limit, known before the head: the backend's error, as a 500 like an uncaught error's. */
  #tooLarge(message: RunHttpRequest, execution: Execution): { status: number; error: WireError } {
    execution.log.collector.system("ERROR", [RESPONSE_TOO_LARGE], "error:httpAction");
    const body = new TextEncoder().encode(
      JSON.stringify({ code: `[Request ID: ${message.requestId}] Server Error: ${RESPONSE_TOO_LARGE}` }),
    );
    this.host.send({ type: "http-head", id: message.id, status: 500, headers: [["content-type", "application/json"]], body }, [
      body.buffer as ArrayBuffer,
    ]);
    return { status: 500, error: { message: RESPONSE_TOO_LARGE } };
  }

  #sendText(id: number, status: number, text: string): void {
    this.host.send({ type: "http-head", id, status, headers: [["content-type", "text/plain; charset=utf-8"]] });
    this.#sendChunk(id, new TextEncoder().encode(text));
    this.host.send({ type: "http-end", id, error: null });
  }

  #sendChunk(id: number, chunk: Uint8Array): void {
    // Copy into a fresh buffer we can transfer; user code may still hold the original.
    const copy = new Uint8Array(chunk);
    this.host.send({ type: "http-chunk", id, chunk: copy }, [copy.buffer as ArrayBuffer]);
  }
}

/** Resolves with null once the event loop has turned (after every pending microtask). */
function nextTurn(): Promise<null> {
  return new Promise((resolve) => setImmediate(() => resolve(null)));
}

function headerValue(headers: Array<[string, string]>, name: string): string | null {
  for (const [key, value] of headers) if (key.toLowerCase() === name) return value;
  return null;
}

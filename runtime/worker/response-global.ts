// `Response` as user code constructs it in Convex. The backend's own class
// (npm-packages/udf-runtime/src/23_response.ts) takes a body with any status from 200 to 599;
// Node's refuses one with 204, 205 or 304 ("Invalid response status code 205"), the statuses
// whose responses carry no content (RFC 9110 §15.3.5, §15.3.6, §15.4.5). Published code relies on
// the backend's leniency: @convex-dev/persistent-text-streaming answers a stream that has already
// started with `new Response("", { status: 205 })`. Here such a body is accepted and dropped, since
// HTTP sends none for those statuses.
const NO_CONTENT_STATUSES = new Set([204, 205, 304]);

function hasNoContent(init: ResponseInit | undefined): boolean {
  return init?.status !== undefined && NO_CONTENT_STATUSES.has(Number(init.status));
}

export function installConvexResponse(): void {
  const NodeResponse = globalThis.Response;
  class Response extends NodeResponse {
    constructor(body?: BodyInit | null, init?: ResponseInit) {
      super(hasNoContent(init) ? null : body, init);
    }

    static override json(data: unknown, init?: ResponseInit): Response {
      if (!hasNoContent(init)) return NodeResponse.json(data, init) as Response;
      // Node's own checks (data that is not JSON) and headers, then the same status without content.
      const checked = NodeResponse.json(data, { ...init, status: 200 });
      return new Response(null, { ...init, headers: checked.headers });
    }

    // One class, as on the backend: what fetch() returns (Node's own Response) is a Response too,
    // and an HTTP action may return it as is.
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof NodeResponse;
    }
  }
  Object.defineProperty(globalThis, "Response", { value: Response, configurable: true, writable: true });
}

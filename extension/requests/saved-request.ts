// "Save request": an edited request → a request in its route's `.http` file. One file per route
// (`<requests folder>/<method>-<path>.http`), each save appended as a new `###` request unless the
// same request is already there. The origin is the `{{site}}` variable so a file works against
// any target. Pure, no vscode.
import type { EditableRequest } from "../../webview/protocol/response";
import { parseHttpFile, serializeHttpFile, serializeRequest, type HttpRequestToWrite } from "../../runtime";
import { hasBody, requestHeaders, requestPath } from "./request-builder";

/** `POST /postMessage` → `post-postMessage`; `GET /messages/*` → `get-messages`; `GET /` → `get-root`. */
export function routeSlug(method: string, routePath: string): string {
  const path = routePath
    .replace(/\*$/, "")
    .split("/")
    .map((segment) => segment.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, ""))
    .filter((segment) => segment !== "")
    .join("-");
  return `${method.toLowerCase()}-${path || "root"}`;
}

export function httpFileName(method: string, routePath: string): string {
  return `${routeSlug(method, routePath)}.http`;
}

export interface SavedRequest {
  entry: HttpRequestToWrite;
  /** Set when an Authorization header's value was replaced by a variable (secrets stay out of files). */
  credentialVariable: string | null;
}

/** The path and query a request goes to: `/messages/abc?x=1`. */
export function pathAndQuery(request: EditableRequest): string {
  const query = request.query.trim().replace(/^\?/, "");
  return query ? `${requestPath(request)}?${query}` : requestPath(request);
}

/**
 * The request as a `.http` entry: `{{site}}` for the origin, the headers as edited except that a
 * token becomes `{{token}}`, the body when the method sends one, and `?? status == <status>` when
 * asked (httpYac and `convex-lens run` check it).
 */
export function toSavedRequest(
  request: EditableRequest,
  options: { status?: number | null; statusAssertion?: boolean } = {},
): SavedRequest {
  const target = pathAndQuery(request);
  let credentialVariable: string | null = null;
  const headers = requestHeaders(request).map(([name, value]) => {
    if (name.toLowerCase() !== "authorization" || value.trim() === "" || /\{\{.*\}\}/.test(value)) return { name, value };
    const bearer = /^\s*Bearer\s+\S/i.test(value);
    credentialVariable = bearer ? "token" : "authorization";
    return { name, value: bearer ? "Bearer {{token}}" : "{{authorization}}" };
  });
  const assertions =
    options.statusAssertion && typeof options.status === "number"
      ? [{ subject: "status" as const, argument: null, predicate: "==", expected: String(options.status) }]
      : [];
  return {
    entry: {
      name: `${request.method} ${target}`,
      method: request.method,
      url: `{{site}}${target.startsWith("/") ? "" : "/"}${target}`,
      headers,
      body: hasBody(request.method) ? request.body : "",
      assertions,
    },
    credentialVariable,
  };
}

export interface AppendResult {
  text: string;
  /** 0-based line of the saved request's request line. */
  line: number;
  /** The same request (method, URL, headers, body) was already in the file: nothing was added. */
  alreadySaved: boolean;
}

/** Adds the request to a file's text (null: a new file, which gets `@site` first). */
export function appendRequest(existing: string | null, saved: HttpRequestToWrite, siteUrl: string, routeKey: string): AppendResult {
  if (existing === null || existing.trim() === "") {
    const text = serializeHttpFile({
      header: [
        `Requests for ${routeKey}, saved by Convex Lens. Send them with the "Send with Convex Lens" CodeLens,`,
        "REST Client or httpYac, or run them all: npx convex-lens run <this file> --site <URL>",
      ],
      variables: [{ name: "site", value: siteUrl }],
      requests: [saved],
    });
    return { text, line: parseHttpFile(text).requests[0]!.line, alreadySaved: false };
  }
  const parsed = parseHttpFile(existing);
  const same = parsed.requests.find(
    (request) =>
      request.method === saved.method &&
      request.url === saved.url &&
      request.body === saved.body.replace(/\r\n/g, "\n").replace(/\n+$/, "") &&
      request.headers.length === saved.headers.length &&
      request.headers.every((header, index) => header.name === saved.headers[index]!.name && header.value === saved.headers[index]!.value),
  );
  if (same) return { text: existing, line: same.line, alreadySaved: true };
  const separated = existing.endsWith("\n\n") ? existing : existing.endsWith("\n") ? `${existing}\n` : `${existing}\n\n`;
  const text = separated + serializeRequest(saved);
  const requests = parseHttpFile(text).requests;
  return { text, line: requests[requests.length - 1]!.line, alreadySaved: false };
}

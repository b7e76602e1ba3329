// Builds the request for a route and turns it into a URL or a curl line. Pure, no vscode.
import { paramPlaceholder, queryTemplate, type RequestReads } from "../../runtime";
import type { EditableRequest } from "../../webview/protocol/response";
import type { RouteEntry } from "../routes/route-model";

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

export function hasBody(method: string): boolean {
  return METHODS_WITH_BODY.has(method);
}

/**
 * Headers a template leaves out: set by fetch or by the panel itself (Content-Type follows the
 * body, Authorization is "Act as a user" or typed by hand; a made-up token would fail the request).
 */
const HEADERS_NOT_TEMPLATED = new Set([
  "authorization",
  "content-type",
  "content-length",
  "host",
  "connection",
  "transfer-encoding",
  "cookie",
  "user-agent",
]);

/** Values that work where a handler checks these headers (the origin is the CORS doctor's default). */
const HEADER_EXAMPLES: Record<string, string> = {
  origin: "http://localhost:5173",
  referer: "http://localhost:5173/",
  accept: "*/*",
  "access-control-request-method": "POST",
  "access-control-request-headers": "content-type",
  "x-forwarded-for": "127.0.0.1",
};

function headersTemplate(reads: RequestReads | null): Array<{ name: string; value: string }> {
  return (reads?.headers ?? [])
    .filter((read) => !HEADERS_NOT_TEMPLATED.has(read.name.toLowerCase()))
    .map((read) => ({ name: read.name, value: HEADER_EXAMPLES[read.name.toLowerCase()] ?? paramPlaceholder(read) }));
}

/** The body as the handler reads it: JSON with the fields it destructures, a form with the fields it gets, text, bytes. */
function bodyTemplate(route: RouteEntry, reads: RequestReads | null): { contentType: string; body: string } {
  const body = reads?.body ?? null;
  if (body?.kind === "form") {
    return {
      contentType: "application/x-www-form-urlencoded",
      body: new URLSearchParams(body.fields.map((field) => [field.name, paramPlaceholder(field)])).toString(),
    };
  }
  if (body?.kind === "text" && !body.json) return { contentType: "text/plain", body: "hello" };
  if (body?.kind === "binary") return { contentType: "application/octet-stream", body: "" };
  const fields = route.source?.jsonFields ?? null;
  const template = fields ? Object.fromEntries(fields.map((field) => [field, ""])) : {};
  return { contentType: "application/json", body: JSON.stringify(template, null, 2) };
}

/**
 * A first request for a route, from what its handler reads (runtime/routes/handler-reads.ts): the
 * query parameters and headers it gets, filled with values it would accept, and a body of the kind
 * it reads.
 */
export function defaultRequest(route: RouteEntry): EditableRequest {
  const reads = route.source?.reads ?? null;
  const headers = headersTemplate(reads);
  let body = "";
  if (hasBody(route.method)) {
    const template = bodyTemplate(route, reads);
    headers.unshift({ name: "Content-Type", value: template.contentType });
    body = template.body;
  }
  return { method: route.method, routePath: route.path, pathRest: "", query: queryTemplate(reads), headers, body };
}

export class RequestError extends Error {}

/** The path the request goes to: a prefix route's `*` replaced by the rest the user gave. */
export function requestPath(request: EditableRequest): string {
  if (!request.routePath.endsWith("*")) return request.routePath;
  const rest = request.pathRest.replace(/^\/+/, "");
  return request.routePath.slice(0, -1) + rest;
}

export function requestUrl(siteUrl: string, request: EditableRequest): string {
  const query = request.query.replace(/^\?/, "").trim();
  const url = new URL(requestPath(request), siteUrl.endsWith("/") ? siteUrl : `${siteUrl}/`);
  if (query) url.search = query;
  if (url.origin !== new URL(siteUrl).origin) throw new RequestError(`The path ${requestPath(request)} leaves the site origin`);
  return url.toString();
}

/** The headers to send; empty names are skipped, a name without a value is an error worth showing. */
export function requestHeaders(request: EditableRequest): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const { name, value } of request.headers) {
    const trimmed = name.trim();
    if (!trimmed) continue;
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(trimmed)) throw new RequestError(`"${trimmed}" is not a valid header name`);
    headers.push([trimmed, value]);
  }
  return headers;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(siteUrl: string, request: EditableRequest): string {
  const parts = ["curl", "-i"];
  if (request.method !== "GET") parts.push("-X", request.method);
  for (const [name, value] of requestHeaders(request)) parts.push("-H", shellQuote(`${name}: ${value}`));
  if (hasBody(request.method) && request.body !== "") parts.push("--data-raw", shellQuote(request.body));
  parts.push(shellQuote(requestUrl(siteUrl, request)));
  return parts.join(" ");
}

// Builds the request for a route and turns it into a URL or a curl line. Pure, no vscode.
import type { EditableRequest } from "../../webview/protocol";
import type { RouteEntry } from "../routes/route-model";

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

export function hasBody(method: string): boolean {
  return METHODS_WITH_BODY.has(method);
}

/** A first request for a route: a JSON body with the fields the handler reads, when known. */
export function defaultRequest(route: RouteEntry): EditableRequest {
  const withBody = hasBody(route.method);
  const fields = route.source?.jsonFields ?? null;
  const template = fields ? Object.fromEntries(fields.map((field) => [field, ""])) : {};
  return {
    method: route.method,
    routePath: route.path,
    pathRest: "",
    query: "",
    headers: withBody ? [{ name: "Content-Type", value: "application/json" }] : [],
    body: withBody ? JSON.stringify(template, null, 2) : "",
  };
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

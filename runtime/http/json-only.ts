// The function API reads JSON bodies only, as the backend's does (axum's Json extractor answers 415
// to any other Content-Type). Here it is also a guard: a text/plain, form or body-less POST is a
// "simple" request that any web page can send cross-site without asking first. Requiring
// `Content-Type: application/json` makes the browser send a preflight, which api-cors.ts answers
// for pages on this machine only.
import type { MiddlewareHandler } from "hono";

/** application/json, or a structured `+json` type, with any parameters (charset). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const essence = value.split(";")[0]!.trim().toLowerCase();
  return essence === "application/json" || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(essence);
}

export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  const type = c.req.header("content-type");
  if (isJsonContentType(type)) return next();
  const got = type === undefined ? "no Content-Type" : `Content-Type: ${type.length > 100 ? `${type.slice(0, 100)}…` : type}`;
  return c.text(
    `The function API takes a JSON body sent with "Content-Type: application/json", as ConvexHttpClient sends it (got ${got}). ` +
      "Other bodies are refused so that no web page can call your functions with a plain cross-site form or text request.",
    415,
  );
};

// Reads a function API request body: `{path, args, format}` where args is the one-element array
// ConvexHttpClient sends (`convex_encoded_json`) or a plain object (`json`).
import type { JSONValue } from "../store/types";

export type UdfKind = "query" | "mutation" | "action";

export class FunctionCallError extends Error {}

export interface FunctionCall {
  name: string;
  args: JSONValue;
}

/** "messages/list" (from /api/run/messages/list) → "messages:list"; "dir/mod/fn" → "dir/mod:fn". */
export function runPathToName(path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed %-escape is the caller's mistake (400), not a server error.
    throw new FunctionCallError(`/api/run/${path} is not a valid function path: it has a malformed %-escape`);
  }
  const parts = decoded.split("/").filter(Boolean);
  if (parts.length < 2) throw new FunctionCallError(`/api/run needs /api/run/<module>/<function>, got /api/run/${path}`);
  const fn = parts.pop()!;
  return `${parts.join("/")}:${fn}`;
}

export function parseFunctionCall(text: string, pathFromUrl: string | null): FunctionCall {
  let body: Record<string, unknown> = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new FunctionCallError('The request body must be JSON like {"path": "messages:list", "args": {}, "format": "json"}');
    }
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new FunctionCallError("The request body must be a JSON object");
  }
  const format = body.format ?? "json";
  if (format !== "json" && format !== "convex_encoded_json") {
    throw new FunctionCallError(`Unsupported format "${String(format)}": use "json" or "convex_encoded_json"`);
  }
  const name = pathFromUrl !== null ? runPathToName(pathFromUrl) : body.path;
  if (typeof name !== "string" || name === "") throw new FunctionCallError('Missing "path": the function to run, like "messages:list"');
  let args = (body.args ?? {}) as JSONValue;
  if (Array.isArray(args)) {
    if (args.length !== 1)
      throw new FunctionCallError(`"args" must be an object, or an array holding one object; got ${args.length} elements`);
    args = args[0]!;
  }
  if (typeof args !== "object" || args === null || Array.isArray(args)) throw new FunctionCallError('"args" must be a JSON object');
  return { name, args };
}

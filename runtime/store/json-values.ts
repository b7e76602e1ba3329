// Helpers over values in Convex's wire form (`convexToJson`), which is how documents are stored and
// how values cross the executor/store contract. We decode to Convex values (`jsonToConvex`) only at
// the leaves we must compare, so a filter on one field does not decode a whole document.
import { jsonToConvex, type Value } from "convex/values";
import type { JSONValue } from "./types";

/** `{"$undefined": null}`: "no value" in filters, index bounds and patches (never stored). */
export function isUndefinedJson(value: JSONValue | undefined): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === "$undefined" && value.$undefined === null;
}

/** Decodes a query value: `{"$undefined": null}` is `undefined` (a missing field). */
export function decodeMaybeUndefined(value: JSONValue): Value | undefined {
  return isUndefinedJson(value) ? undefined : jsonToConvex(value);
}

/** An encoded scalar (`$integer`, `$float`, `$bytes`, `$commitTs`): not an object you can walk into. */
function isEncodedScalar(value: { [key: string]: JSONValue }): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0]!.startsWith("$");
}

export function splitFieldPath(path: string): string[] {
  // The backend trims leading/trailing dots before splitting ("FieldPath::from_str").
  return path.replace(/^\.+|\.+$/g, "").split(".");
}

/** The wire value at a field path, or undefined when a step is missing or not an object. */
export function getFieldJson(doc: JSONValue, path: ReadonlyArray<string>): JSONValue | undefined {
  let current: JSONValue | undefined = doc;
  for (const step of path) {
    if (current === null || typeof current !== "object" || Array.isArray(current) || isEncodedScalar(current)) {
      return undefined;
    }
    if (!Object.hasOwn(current, step)) return undefined;
    current = current[step];
  }
  return current;
}

/** The decoded value at a field path (`undefined` when missing). */
export function getFieldValue(doc: JSONValue, path: ReadonlyArray<string>): Value | undefined {
  const json = getFieldJson(doc, path);
  return json === undefined ? undefined : jsonToConvex(json);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * The Convex size of a wire value (the backend's `Value::size`, also `getConvexSize` in the
 * package): what `maximumBytesRead` counts. Computed on the wire form to avoid decoding.
 */
export function jsonSize(value: JSONValue): number {
  if (value === null || typeof value === "boolean") return 1;
  if (typeof value === "number") return 9;
  if (typeof value === "string") return 2 + utf8Length(value);
  if (Array.isArray(value)) {
    let size = 2;
    for (const element of value) size += jsonSize(element);
    return size;
  }
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const only = keys[0]!;
    if (only === "$integer" || only === "$float" || only === "$commitTs") return 9;
    if (only === "$bytes") return 2 + Buffer.from(String(value.$bytes), "base64").length;
  }
  let size = 2;
  for (const key of keys) size += utf8Length(key) + 1 + jsonSize(value[key]!);
  return size;
}

/** A document's top-level fields with keys in byte order, as the backend returns objects. */
export function sortedObject<T extends { [key: string]: JSONValue }>(value: T): T {
  const out: { [key: string]: JSONValue } = {};
  // Field names are ASCII, so the default (UTF-16) sort is byte order.
  for (const key of Object.keys(value).sort()) out[key] = value[key]!;
  return out as T;
}

// Values reach the validator in Convex's JSON wire form (`convexToJson`). Checking and printing
// need the real Convex type of each value (an int64 and a float64 are different types that both
// look like numbers in JS), so the wire form is decoded once into this small model.
//
// We decode ourselves instead of calling `jsonToConvex`: that returns plain JS objects, where a
// field named `__proto__` would set the prototype instead of becoming a field, and it loses the
// byte layout we need to print `bytes` the way the backend does.
import type { JSONValue } from "convex/values";

export type ConvexValue =
  | null
  | boolean
  /** float64 */
  | number
  /** int64 */
  | bigint
  | string
  | ConvexBytes
  | ConvexValue[]
  | ConvexObject
  | CommitTsValue;

export class ConvexBytes {
  constructor(readonly bytes: Uint8Array) {}
}

/** Object fields, in the order they arrived; printing sorts them the way the backend does. */
export class ConvexObject {
  constructor(readonly fields: ReadonlyMap<string, ConvexValue>) {}
}

/** `db.vars.commitTs` before commit (`{"$commitTs": null}` on the wire, convex 1.48). */
export class CommitTsValue {
  static readonly instance = new CommitTsValue();
  private constructor() {}
}

/** Thrown for input that is not valid `convexToJson` output (a caller bug, not a user error). */
export class MalformedValueError extends Error {
  override name = "MalformedValueError";
}

export function decodeJsonValue(json: JSONValue): ConvexValue {
  if (json === null || typeof json === "boolean" || typeof json === "number" || typeof json === "string") {
    return json;
  }
  if (Array.isArray(json)) return json.map(decodeJsonValue);
  if (typeof json !== "object") throw new MalformedValueError(`Unexpected JSON value of type ${typeof json}`);
  const keys = Object.keys(json);
  if (keys.length === 1) {
    const key = keys[0]!;
    const inner = json[key];
    switch (key) {
      case "$integer":
        return decodeInteger(expectString(inner, key));
      case "$float":
        return decodeFloat(expectString(inner, key));
      case "$bytes":
        return new ConvexBytes(new Uint8Array(Buffer.from(expectString(inner, key), "base64")));
      case "$commitTs":
        if (inner !== null) throw new MalformedValueError("Malformed $commitTs field");
        return CommitTsValue.instance;
    }
  }
  const fields = new Map<string, ConvexValue>();
  for (const key of keys) {
    if (key.startsWith("$")) throw new MalformedValueError(`Field name ${key} starts with a '$', which is reserved.`);
    fields.set(key, decodeJsonValue(json[key]!));
  }
  return new ConvexObject(fields);
}

function expectString(value: JSONValue | undefined, key: string): string {
  if (typeof value !== "string") throw new MalformedValueError(`Malformed ${key} field`);
  return value;
}

function eightBytes(base64: string, key: string): DataView {
  const bytes = Buffer.from(base64, "base64");
  if (bytes.length !== 8) throw new MalformedValueError(`Received ${bytes.length} bytes, expected 8 for ${key}`);
  return new DataView(bytes.buffer, bytes.byteOffset, 8);
}

function decodeInteger(base64: string): bigint {
  return eightBytes(base64, "$integer").getBigInt64(0, true);
}

function decodeFloat(base64: string): number {
  return eightBytes(base64, "$float").getFloat64(0, true);
}

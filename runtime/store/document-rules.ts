// What a write may put in a document, in the backend's terms: the value must be an object of
// valid Convex values, `_id` / `_creationTime` may only repeat the document's own, no other field
// may start with "_", and `db.patch` removes fields set to `{"$undefined": null}`.
// Also resolves `db.vars.commitTs` placeholders at commit.
import { jsonToConvex } from "convex/values";
import { creationTimeMismatch, idMismatch, invalidArgument, invalidTableName, notAnObject, systemFieldInDocument } from "./errors";
import { isUndefinedJson, sortedObject } from "./json-values";
import { baseTableName } from "./namespaces";
import type { DocumentJSON, JSONValue } from "./types";
import { displayFloat, displayString, displayValue } from "./value-display";

type Fields = { [key: string]: JSONValue };

/** Table names: identifiers, up to 64 characters; system tables start with "_". */
export function checkTableName(syscall: string, name: string): void {
  if (!isTableIdentifier(name)) throw invalidArgument(syscall, "table", invalidTableName(String(name)));
}

export function isTableIdentifier(name: unknown): name is string {
  return typeof name === "string" && name.length <= 64 && /^_?[a-zA-Z][a-zA-Z0-9_]*$/.test(name);
}

/** A table name as the store keeps it: a component's tables carry their component path first. */
export function checkStoredTableName(syscall: string, name: string): void {
  checkTableName(syscall, baseTableName(name));
}

function isEncodedScalar(value: Fields): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0]!.startsWith("$");
}

/** The value of an insert / patch / replace: an object, whose fields are valid Convex values. */
export function requireFields(syscall: string, value: unknown, allowUndefined = false): Fields {
  if (value === null || typeof value !== "object" || Array.isArray(value) || isEncodedScalar(value as Fields)) {
    throw notAnObject(syscall);
  }
  const fields = value as Fields;
  let checked = fields;
  if (allowUndefined) {
    checked = {};
    for (const [key, field] of Object.entries(fields)) if (!isUndefinedJson(field)) checked[key] = field;
  }
  try {
    // Validates field names and the $integer / $float / $bytes encodings.
    jsonToConvex(checked);
  } catch (e) {
    throw invalidArgument(syscall, "value", (e as Error).message);
  }
  return fields;
}

/** ResolvedDocument::new_internal + validate: system fields must be the document's own. */
function finishDocument(fields: Fields, id: string, creationTime: number): DocumentJSON {
  const doc: Fields = { ...fields };
  if (doc._id !== undefined && doc._id !== id) {
    throw idMismatch(displayString(id), displayValue(jsonToConvex(doc._id)));
  }
  doc._id = id;
  if (doc._creationTime !== undefined && !Object.is(doc._creationTime, creationTime)) {
    throw creationTimeMismatch(displayFloat(creationTime), displayValue(jsonToConvex(doc)));
  }
  doc._creationTime = creationTime;
  for (const key of Object.keys(doc)) {
    if (key.startsWith("_") && key !== "_id" && key !== "_creationTime") {
      throw systemFieldInDocument(displayValue(jsonToConvex(doc)), key);
    }
  }
  return sortedObject(doc) as DocumentJSON;
}

// The builders below take values already checked with `requireFields`.

export function insertedDocument(value: Fields, id: string, creationTime: number): DocumentJSON {
  return finishDocument(value, id, creationTime);
}

/** `db.patch`: shallow merge; `{"$undefined": null}` removes the field. */
export function patchedDocument(old: DocumentJSON, patch: Fields): DocumentJSON {
  const merged: Fields = { ...old };
  for (const [key, field] of Object.entries(patch)) {
    if (isUndefinedJson(field)) delete merged[key];
    else merged[key] = field;
  }
  return finishDocument(merged, old._id, old._creationTime);
}

export function replacedDocument(old: DocumentJSON, value: Fields): DocumentJSON {
  return finishDocument(value, old._id, old._creationTime);
}

export function hasCommitTsPlaceholder(json: string): boolean {
  return json.includes('"$commitTs"');
}

function int64Json(value: bigint): JSONValue {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(value);
  return { $integer: bytes.toString("base64") };
}

/** Replaces every `{"$commitTs": null}` (an unresolved `db.vars.commitTs`) with the commit timestamp. */
export function resolveCommitTs(value: JSONValue, ts: bigint): JSONValue {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((element) => resolveCommitTs(element, ts));
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "$commitTs" && value.$commitTs === null) return int64Json(ts);
  const out: Fields = {};
  for (const key of keys) out[key] = resolveCommitTs(value[key]!, ts);
  return out;
}

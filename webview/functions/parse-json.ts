// Parses what the user typed as a JSON object (function arguments, a document's fields), with a
// message for the panel when it is not one. Nothing is sent to the host until this succeeds.
import type { JsonValue } from "../protocol/core";

export type JsonObject = { [key: string]: JsonValue };

export type ParsedObject = { ok: true; value: JsonObject } | { ok: false; message: string };

/** `what` names the text in messages ("Arguments"); blank text is `{}` when `blankIsEmpty`. */
export function parseJsonObject(text: string, what: string, blankIsEmpty: boolean): ParsedObject {
  if (text.trim() === "") {
    return blankIsEmpty
      ? { ok: true, value: {} }
      : { ok: false, message: `${what} cannot be empty: write a JSON object, like {"name": "ada"}.` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${what} are not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (Array.isArray(value)) {
    // Most often a vector (an embedding) pasted on its own: say how to pass it.
    return {
      ok: false,
      message: `${what} must be a JSON object, like {"name": "ada"}, not an array. To pass an array, name its argument: {"vector": [0.12, -0.03, …]}.`,
    };
  }
  if (value === null || typeof value !== "object") {
    return { ok: false, message: `${what} must be a JSON object, like {"name": "ada"}, not ${describe(value)}.` };
  }
  return { ok: true, value: value as JsonObject };
}

function describe(value: unknown): string {
  return value === null ? "null" : `a ${typeof value}`;
}

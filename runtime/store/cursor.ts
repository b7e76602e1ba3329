// Opaque positions in a query's results.
//
// Pagination cursors (queryPage) are what user code holds on to between requests, so, like the
// backend's, they carry a fingerprint of the query and are refused for a different query
// ("InvalidCursor"). Layout, base64url: [version 1][8-byte fingerprint][0 = after key | 1 = end][key].
// The backend encrypts its cursors; ours are only opaque.
//
// Stream positions (queryBatch) are internal to one function execution: the last index key read
// plus how many documents each `limit` operator has let through.
import { createHash } from "node:crypto";
import { invalidCursor } from "./errors";
import type { SerializedQuery } from "./types";

export type CursorPosition = { kind: "after"; key: Uint8Array } | { kind: "end" };

const CURSOR_VERSION = 1;
const FINGERPRINT_LENGTH = 8;

export function queryFingerprint(query: SerializedQuery, keyFields: ReadonlyArray<string>): Uint8Array {
  const hash = createHash("sha256").update(JSON.stringify({ query, keyFields })).digest();
  return new Uint8Array(hash.subarray(0, FINGERPRINT_LENGTH));
}

export function encodeCursor(fingerprint: Uint8Array, position: CursorPosition): string {
  const key = position.kind === "after" ? position.key : new Uint8Array(0);
  const bytes = new Uint8Array(2 + FINGERPRINT_LENGTH + key.length);
  bytes[0] = CURSOR_VERSION;
  bytes.set(fingerprint, 1);
  bytes[1 + FINGERPRINT_LENGTH] = position.kind === "after" ? 0 : 1;
  bytes.set(key, 2 + FINGERPRINT_LENGTH);
  return Buffer.from(bytes).toString("base64url");
}

export function decodeCursor(cursor: string, fingerprint: Uint8Array): CursorPosition {
  const bytes = /^[A-Za-z0-9_-]*$/.test(cursor) ? new Uint8Array(Buffer.from(cursor, "base64url")) : null;
  if (!bytes || bytes.length < 2 + FINGERPRINT_LENGTH || bytes[0] !== CURSOR_VERSION) throw invalidCursor();
  for (let i = 0; i < FINGERPRINT_LENGTH; i++) {
    if (bytes[1 + i] !== fingerprint[i]) throw invalidCursor();
  }
  const kind = bytes[1 + FINGERPRINT_LENGTH];
  if (kind === 1 && bytes.length === 2 + FINGERPRINT_LENGTH) return { kind: "end" };
  if (kind === 0 && bytes.length > 2 + FINGERPRINT_LENGTH) return { kind: "after", key: bytes.slice(2 + FINGERPRINT_LENGTH) };
  throw invalidCursor();
}

export interface StreamPosition {
  /** The last index key read (null: nothing read yet). */
  after: Uint8Array | null;
  /** Documents let through so far by each `limit` operator, in operator order. */
  limitCounts: number[];
}

export function encodeStreamPosition(position: StreamPosition): string {
  const after = position.after === null ? "" : Buffer.from(position.after).toString("base64url");
  return `${after}.${position.limitCounts.join(",")}`;
}

export function decodeStreamPosition(text: string): StreamPosition {
  const match = /^([A-Za-z0-9_-]*)\.([0-9,]*)$/.exec(text);
  if (!match) throw new Error(`Invalid query position ${JSON.stringify(text)}`);
  return {
    after: match[1] === "" ? null : new Uint8Array(Buffer.from(match[1]!, "base64url")),
    limitCounts: match[2] === "" ? [] : match[2]!.split(",").map(Number),
  };
}

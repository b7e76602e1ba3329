// The sync protocol's messages as they travel on the WebSocket (JSON text frames), typed from what
// the `convex` package's client sends and checks (src/browser/sync/protocol.ts). Timestamps are
// u64 nanoseconds, sent as the base64 of their 8 little-endian bytes.
import type { JSONValue } from "../store/types";

/** A query's journal: the end cursor of its paginated read, so a re-run ends its page at the same place. */
export type QueryJournal = string | null;

export interface AddQuery {
  type: "Add";
  queryId: number;
  udfPath: string;
  args: JSONValue[];
  journal?: QueryJournal;
  componentPath?: string;
}

export interface RemoveQuery {
  type: "Remove";
  queryId: number;
}

/** A Mutation or an Action the client asks to run. */
export interface FunctionRequest {
  type: "Mutation" | "Action";
  requestId: number;
  udfPath: string;
  args: JSONValue[];
  componentPath?: string;
}

export type ClientMessage =
  | {
      type: "Connect";
      sessionId: string;
      connectionCount: number;
      lastCloseReason: string | null;
      maxObservedTimestamp?: string;
      clientTs?: number;
    }
  | { type: "ModifyQuerySet"; baseVersion: number; newVersion: number; modifications: Array<AddQuery | RemoveQuery> }
  | FunctionRequest
  | { type: "Authenticate"; tokenType: "User" | "Admin" | "None"; value?: string; baseVersion: number }
  | { type: "Event"; eventType: string; event: unknown };

export interface StateVersion {
  querySet: number;
  identity: number;
  ts: bigint;
}

export type StateModification =
  | { type: "QueryUpdated"; queryId: number; value: JSONValue; logLines: string[]; journal: QueryJournal }
  | {
      type: "QueryFailed";
      queryId: number;
      errorMessage: string;
      logLines: string[];
      errorData?: JSONValue;
      journal: QueryJournal;
    }
  | { type: "QueryRemoved"; queryId: number };

type Failure = { success: false; result: string; logLines: string[]; errorData?: JSONValue };

export type ServerMessage =
  | { type: "Transition"; startVersion: StateVersion; endVersion: StateVersion; modifications: StateModification[] }
  | ({ type: "MutationResponse"; requestId: number } & ({ success: true; result: JSONValue; ts: bigint; logLines: string[] } | Failure))
  | ({ type: "ActionResponse"; requestId: number } & ({ success: true; result: JSONValue; logLines: string[] } | Failure))
  | { type: "AuthError"; error: string; baseVersion: number; authUpdateAttempted: boolean }
  | { type: "FatalError"; error: string }
  | { type: "Ping" };

/** A u64 timestamp as the client decodes it (`u64ToLong`): base64 of 8 little-endian bytes. */
export function encodeTs(ts: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(ts);
  return bytes.toString("base64");
}

export function decodeTs(encoded: string): bigint {
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length !== 8) throw new ProtocolError(`A timestamp must be 8 bytes in base64, got ${JSON.stringify(encoded)}`);
  return bytes.readBigUInt64LE();
}

/** A message the server cannot act on: the session ends with a FatalError naming it. */
export class ProtocolError extends Error {}

/** The JSON text of a server message, timestamps encoded. */
export function serializeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message, (_key, value: unknown) => (typeof value === "bigint" ? encodeTs(value) : value));
}

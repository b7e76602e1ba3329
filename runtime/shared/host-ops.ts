// Every op a worker asks the host for, in one table: name → arguments → result. Both sides are
// typed from it: the worker's HostChannel sends an op of the table with its arguments and gets its
// result type back; the host answers each group with a record of handlers typed from the same
// entries (host/op-handlers.ts), so an op without a handler does not compile.
//
// Three kinds, by what a call carries:
// - DATABASE_OPS and IDENTITY_OPS: the arguments say everything (the transaction, the token);
//   they are the hot path, so nothing else travels with them.
// - SYNC_OPS: the worker blocks on the answer (Convex.syscall is synchronous).
// - FEATURE_OPS: they act for the calling function (its install, its kind, its transaction), which
//   the call carries as its `caller`. Most are the Convex syscalls of the same name, passed on as
//   the `convex` package sent them (node_modules/convex/src/server/impl/*): user code can also
//   call `Convex.asyncSyscall` itself, so their handlers still check every field the backend checks.
//   The worker passes on exactly the syscalls named here; any other is unsupported
//   (unsupported-ops.ts).
//
// The entries are values only so that the worker can tell a feature op's name at run time; their
// types are what matters. Adding an op: runtime/ARCHITECTURE.md, "Adding a syscall".
import type { DocumentJSON, JSONValue, QueryBatchJson, QueryPageArgs, QueryPageResult, SerializedQuery } from "./wire-values";

declare const opTypes: unique symbol;

/** A table entry: the op's argument and result types. At run time it only marks the name. */
export interface Op<Args, Result> {
  readonly [opTypes]?: { args: Args; result: Result };
}

const ENTRY = Object.freeze({});

function op<Args, Result>(): Op<Args, Result> {
  return ENTRY;
}

export type OpArgs<Entry> = Entry extends Op<infer Args, unknown> ? Args : never;
export type OpResult<Entry> = Entry extends Op<unknown, infer Result> ? Result : never;

/** The transaction an execution runs in, as the host opened it. */
export interface TransactionRef {
  id: number;
  mode: "read" | "write";
  /** Commit timestamp of its snapshot, nanoseconds, as a decimal string. */
  snapshotTs: string;
}

/** Ops inside a transaction name it; the host checks that it belongs to the calling worker. */
interface InTransaction {
  txId: number;
}
/** Document ops also name the calling install: its tables are its own ("" for the app). */
interface InComponent extends InTransaction {
  component: string;
}
interface AtSavepoint extends InTransaction {
  savepoint: number;
}
type Fields = { [key: string]: JSONValue };

/** `ctx.db.getTransactionMetrics()`: each limit's use so far and what remains. */
export type TransactionMetrics = Record<string, { used: number; remaining: number }>;

/** Transactions and documents (host/database-ops.ts). */
export const DATABASE_OPS = {
  "tx/begin": op<{ mode: "read" | "write" }, TransactionRef>(),
  "tx/commit": op<InTransaction, null>(),
  /** Ends without committing (a read, or a write that failed); sent without waiting for the answer. */
  "tx/end": op<InTransaction, null>(),
  "tx/savepoint": op<InTransaction, number>(),
  "tx/release": op<AtSavepoint, null>(),
  "tx/rollback": op<AtSavepoint, null>(),
  "tx/metrics": op<InTransaction, TransactionMetrics>(),
  "db/get": op<InComponent & { id: string; isSystem: boolean; table?: string }, DocumentJSON | null>(),
  "db/queryBatch": op<
    InComponent & { query: SerializedQuery; position: string | null; maxDocs: number; isSystem: boolean },
    QueryBatchJson
  >(),
  "db/queryPage": op<InComponent & QueryPageArgs, QueryPageResult>(),
  "db/count": op<InComponent & { table: string }, number>(),
  "db/insert": op<InComponent & { table: string; value: Fields }, { _id: string }>(),
  "db/shallowMerge": op<InComponent & { id: string; value: Fields; table?: string }, DocumentJSON>(),
  "db/replace": op<InComponent & { id: string; value: Fields; table?: string }, DocumentJSON>(),
  "db/remove": op<InComponent & { id: string; table?: string }, DocumentJSON>(),
};

/** `ctx.auth.getUserIdentity()`: the request's token, checked when the request arrived (host/host-services.ts). */
export const IDENTITY_OPS = {
  "auth/getUserIdentity": op<{ token: string | null }, Record<string, unknown> | null>(),
};

/** Answered while the worker blocks: small, never waiting on a lock (host/database-ops.ts). */
export const SYNC_OPS = {
  "db/normalizeId": op<InComponent & { table: string; idString: string }, { id: string | null }>(),
  /** `v.id("t")` in validators: the table of an ID as the install `component` names it. */
  "db/tableNameOfId": op<{ id: string; component: string }, { table: string | null }>(),
};

/** The calling function, sent with every feature op. */
export interface OpCaller {
  udfType: "query" | "mutation" | "action" | "httpAction";
  /** Its transaction (queries and mutations), to read or write inside it. */
  txId: number | null;
  requestId: string;
  /** Its component install ("" for the app): its tables, files and jobs. */
  component: string;
}

/** What storage_impl.ts sends with every storage syscall besides its own fields (unused here). */
interface StorageCall {
  requestId?: string;
  version?: string;
}
interface StorageIdCall extends StorageCall {
  storageId: string;
}

/** `ctx.storage` (storage/storage-ops.ts). */
export const STORAGE_OPS = {
  "1.0/storageGetUrl": op<StorageIdCall, string | null>(),
  "1.0/storageGetMetadata": op<StorageIdCall, Record<string, unknown> | null>(),
  "1.0/storageGenerateUploadUrl": op<StorageCall, string>(),
  "1.0/storageDelete": op<StorageIdCall, null>(),
  /** Mutations' `store(blob)`: the bytes base64-encoded. */
  "1.0/storageStore": op<StorageCall & { blob: string; contentType: string; sha256?: string }, string>(),
  /** Mutations' `get(id)`: the bytes come back base64-encoded. */
  "1.0/storageGet": op<StorageIdCall, { blob: string; contentType: string | null } | null>(),
  /** Actions' `store(blob)` (a JS syscall the worker turns into this op): the bytes themselves. */
  "storage/storeBlob": op<{ bytes: ArrayBuffer; contentType: string | null; sha256: string | null }, string>(),
  /** Actions' `get(id)`: the bytes themselves. */
  "storage/getBlob": op<{ storageId: string }, { bytes: ArrayBuffer; contentType: string | null } | null>(),
};

/**
 * What `1.0/schedule` and `1.0/actions/schedule` carry once the worker has resolved the target
 * (scheduler_impl.ts sends a function address instead of `name` and `targetComponent`).
 */
export interface ScheduleCall {
  /** The target's name in `targetComponent`: "messages:send". */
  name: string;
  targetComponent: string;
  /** When to run, Unix seconds. */
  ts: number;
  args: JSONValue;
  version?: string;
  requestId?: string;
}

/** `ctx.scheduler` (scheduler/scheduler-ops.ts). Each returns the job's ID, or null for a cancel. */
export const SCHEDULER_OPS = {
  "1.0/schedule": op<ScheduleCall, string>(),
  "1.0/cancel_job": op<{ id: string }, null>(),
  "1.0/actions/schedule": op<ScheduleCall, string>(),
  "1.0/actions/cancel_job": op<{ requestId: string; id: string }, null>(),
};

/** `createFunctionHandle` and calls through a handle (host/function-handles.ts). */
export const FUNCTION_HANDLE_OPS = {
  "handles/create": op<{ component: string; name: string }, string>(),
  "handles/resolve": op<{ handle: string }, { component: string; name: string }>(),
};

/** A match of `ctx.vectorSearch`: the document and its cosine similarity to the query vector. */
export interface VectorSearchMatch {
  _id: string;
  _score: number;
}

/** `ctx.vectorSearch` in actions (host/vector-search-ops.ts); the query as vector_search.ts sends it. */
export const VECTOR_SEARCH_OPS = {
  "1.0/actions/vectorSearch": op<{ query: unknown; version?: string }, { results: VectorSearchMatch[] }>(),
};

export const FEATURE_OPS = { ...STORAGE_OPS, ...SCHEDULER_OPS, ...FUNCTION_HANDLE_OPS, ...VECTOR_SEARCH_OPS };

export type DatabaseOpName = keyof typeof DATABASE_OPS;
export type IdentityOpName = keyof typeof IDENTITY_OPS;
export type SyncOpName = keyof typeof SYNC_OPS;
export type FeatureOpName = keyof typeof FEATURE_OPS;

/** Every async op, by name. */
export type AsyncOps = typeof DATABASE_OPS & typeof IDENTITY_OPS & typeof FEATURE_OPS;
export type AsyncOpName = keyof AsyncOps;
export type SyncOps = typeof SYNC_OPS;

/** Whether the host answers the syscall `name` (the worker passes it on as it came). */
export function isFeatureOp(name: string): name is FeatureOpName {
  return Object.hasOwn(FEATURE_OPS, name);
}

/** An async call as it crosses: ops that act for a function carry its caller, the others nothing more. */
export type AsyncCall =
  | { [Name in DatabaseOpName | IdentityOpName]: { op: Name; args: OpArgs<AsyncOps[Name]>; caller?: undefined } }[
      | DatabaseOpName
      | IdentityOpName]
  | { [Name in FeatureOpName]: { op: Name; args: OpArgs<AsyncOps[Name]>; caller: OpCaller } }[FeatureOpName];

export type SyncCall = { [Name in SyncOpName]: { op: Name; args: OpArgs<SyncOps[Name]> } }[SyncOpName];

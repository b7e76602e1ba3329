// The host's side of the op table (shared/host-ops.ts): a group of ops is answered by a record
// with one handler per op, typed from the group's entries, so a handler that is missing, or takes
// or returns the wrong thing, does not compile. HostServices dispatches to them by name.
import type { OpArgs, OpCaller, OpResult } from "../shared/host-ops";

/** What a feature op's handler knows of the call: the calling function, and its worker. */
export interface OpContext extends OpCaller {
  worker: number;
}

/**
 * Ops whose arguments say everything; `worker` is the caller's (transactions belong to one worker),
 * `execId` the calling execution's when the worker named it (a transaction's begin notes its request).
 */
export type PlainHandlers<Table> = {
  readonly [Name in keyof Table]: (
    args: OpArgs<Table[Name]>,
    worker: number,
    execId?: string,
  ) => OpResult<Table[Name]> | Promise<OpResult<Table[Name]>>;
};

/** Ops the worker blocks on: answered at once. */
export type SyncHandlers<Table> = {
  readonly [Name in keyof Table]: (args: OpArgs<Table[Name]>, worker: number) => OpResult<Table[Name]>;
};

/** Ops that act for the calling function. */
export type FeatureHandlers<Table> = {
  readonly [Name in keyof Table]: (args: OpArgs<Table[Name]>, context: OpContext) => Promise<OpResult<Table[Name]>>;
};

/**
 * A handler as the dispatcher holds it, once its op was looked up by name: the call's arguments
 * were typed by the same entry when the worker sent them (HostChannel), so they go in as they came.
 */
export type Dispatched<Context> = (args: never, context: Context, execId?: string) => unknown;

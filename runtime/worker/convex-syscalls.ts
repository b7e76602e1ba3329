// The syscalls of convex@1.48 that the worker answers itself (syscall-router.ts), with their
// arguments as the package sends them (node_modules/convex/src/server/impl/*). The arguments are
// typed from the package, but they are whatever user code passed to `globalThis.Convex`, so each
// handler still checks what the backend checks. The syscalls the host answers are in
// shared/host-ops.ts (FEATURE_OPS); every other one is unsupported.
import type { JSONValue, QueryPageArgs, SerializedQuery } from "../shared/wire-values";
import type { Execution } from "./execution";
import type { FunctionAddress } from "./function-address";

type Fields = { [key: string]: JSONValue };
/** Syscalls that take nothing (the package sends `{}`). */
type NoArgs = Record<string, never>;

/** `Convex.syscall`: answered before the call returns. */
export interface SyncSyscalls {
  "1.0/queryStream": { query: SerializedQuery; version?: string };
  "1.0/queryCleanup": { queryId: number };
  "1.0/db/normalizeId": { table: string; idString: string };
  "1.0/getSnapshotTs": NoArgs;
}

/** What `ctx.scheduler.runAfter/runAt` send, to both `1.0/schedule` and `1.0/actions/schedule`. */
export type ScheduleSyscall = FunctionAddress & { ts: number; args: JSONValue; version?: string; requestId?: string };

/** `Convex.asyncSyscall`. */
export interface AsyncSyscalls {
  "1.0/get": { id: string; isSystem?: boolean; table?: string };
  "1.0/queryStreamNext": { queryId: number };
  "1.0/queryPage": QueryPageArgs;
  "1.0/count": { table: string };
  "1.0/insert": { table: string; value: Fields };
  "1.0/shallowMerge": { id: string; value: Fields; table?: string };
  "1.0/replace": { id: string; value: Fields; table?: string };
  "1.0/remove": { id: string; table?: string };
  "1.0/getTransactionMetrics": NoArgs;
  "1.0/runUdf": FunctionAddress & { udfType: string; args?: JSONValue };
  "1.0/actions/query": FunctionAddress & { args?: JSONValue };
  "1.0/actions/mutation": FunctionAddress & { args?: JSONValue };
  "1.0/actions/action": FunctionAddress & { args?: JSONValue };
  "1.0/createFunctionHandle": FunctionAddress;
  "1.0/schedule": ScheduleSyscall;
  "1.0/actions/schedule": ScheduleSyscall;
  "1.0/getFunctionMetadata": NoArgs;
  "1.0/getDeploymentMetadata": NoArgs;
  "1.0/getRequestMetadata": NoArgs;
  "1.0/getUserIdentity": NoArgs;
}

/** `Convex.jsSyscall`: JavaScript values, not JSON (they never leave the worker as they are). */
export interface JsSyscalls {
  requestFromConvexJson: { convexJson: { requestKey: number } };
  convexJsonFromResponse: { response: unknown };
  "storage/storeBlob": { blob: unknown; options?: { sha256?: string } };
  "storage/getBlob": { storageId: string };
}

/** One handler per syscall of `Table`, given the calling execution. */
export type SyscallHandlers<Table, Result> = {
  readonly [Name in keyof Table]: (execution: Execution, args: Table[Name]) => Result;
};

// What the backend checks when a function is scheduled, with its texts:
// - crates/isolate/src/environment/helpers/validation.rs, validate_schedule_args: the time is
//   within 5 years of now, and the target module and export exist (at scheduling time; the job
//   can still fail later if the code changed);
// - crates/model/src/scheduled_jobs/mod.rs, check_scheduling_limits: per transaction, at most
//   1000 jobs and 8 MiB of arguments (knobs TRANSACTION_MAX_NUM_SCHEDULED and
//   TRANSACTION_MAX_SCHEDULED_TOTAL_ARGUMENT_SIZE_BYTES).
import type { FunctionInfo } from "../shared/protocol";
import type { JSONValue } from "../store/types";
import { canonicalName, type FunctionPath, moduleFile, parseFunctionPath, runtimeName } from "./function-path";

export const MAX_SCHEDULED_PER_TRANSACTION = 1000;
export const MAX_SCHEDULED_ARGS_BYTES_PER_TRANSACTION = 1 << 23;

const FIVE_YEARS_SECONDS = 5 * 366 * 24 * 3600;

/** What one transaction has scheduled so far (the limits count per transaction). */
export interface ScheduleBudget {
  count: number;
  argsBytes: number;
}

/** The target's name; the worker resolved references and handles to a name in `targetComponent`. */
export function targetOf(args: { name?: unknown }): FunctionPath {
  if (typeof args.name === "string") return parseFunctionPath(args.name);
  // Invented text: the backend fails to parse the syscall arguments here.
  throw new Error("Invalid argument `name` for `scheduler`: a function reference must name a function");
}

/** `ts` is Unix seconds (a float), as scheduler_impl.ts sends it. */
export function checkScheduledTime(ts: unknown, nowSeconds: number): number {
  if (typeof ts !== "number" || !Number.isFinite(ts) || ts < 0) {
    // Invented text: the backend cannot even represent such a time (UnixTimestamp::from_secs_f64).
    throw new Error(`Invalid argument \`ts\` for \`scheduler\`: ${String(ts)} is not a time after 1970`);
  }
  const delta = ts - nowSeconds;
  if (delta > FIVE_YEARS_SECONDS) throw new Error(`${unixTimestampDebug(ts)} is more than 5 years in the future`);
  if (delta < -FIVE_YEARS_SECONDS) throw new Error(`${unixTimestampDebug(ts)} is more than 5 years in the past`);
  return ts;
}

/** The backend prints the time with Rust's Debug: `UnixTimestamp(1700000000.5s)`. */
function unixTimestampDebug(seconds: number): string {
  let whole = Math.floor(seconds);
  let nanos = Math.round((seconds - whole) * 1e9);
  if (nanos >= 1e9) {
    whole += 1;
    nanos -= 1e9;
  }
  const fraction = nanos === 0 ? "" : `.${String(nanos).padStart(9, "0").replace(/0+$/, "")}`;
  return `UnixTimestamp(${whole}${fraction}s)`;
}

/** The job's arguments as stored: `[argsObject]` (parse_udf_args in crates/isolate/src/helpers.rs). */
export function jobArgs(args: unknown, path: FunctionPath): JSONValue[] {
  const list = Array.isArray(args) ? args : [args ?? {}];
  if (list.some((a) => typeof a !== "object" || a === null || Array.isArray(a))) {
    // The prefix is the backend's; the reason is ours (the package always sends one object).
    throw new Error(`Invalid arguments for ${canonicalName(path)}: the arguments must be an object`);
  }
  return list as JSONValue[];
}

/** Fails like validate_schedule_args when the module or its export does not exist in the target's install. */
export function checkTargetExists(functions: FunctionInfo[], path: FunctionPath): void {
  const names = new Set(functions.map((f) => f.name));
  if (names.has(runtimeName(path))) return;
  const moduleExists = [...names].some((name) => parseFunctionPath(name).module === path.module);
  if (!moduleExists) throw new Error(`Attempted to schedule function at nonexistent path: ${moduleFile(path)}`);
  throw new Error(
    `Attempted to schedule function, but no exported function ${path.exportName} found in the file: ${moduleFile(path)}. Did you forget to export it?`,
  );
}

/** check_scheduling_limits: counts this job against its transaction's budget, or throws. */
export function spendBudget(budget: ScheduleBudget, args: JSONValue[]): void {
  if (budget.count >= MAX_SCHEDULED_PER_TRANSACTION) {
    throw new Error(`Too many functions scheduled by this mutation (limit: ${MAX_SCHEDULED_PER_TRANSACTION})`);
  }
  budget.count += 1;
  // The backend measures Convex value sizes; the JSON length is close enough for a limit this large.
  const size = Buffer.byteLength(JSON.stringify(args));
  if (budget.argsBytes + size > MAX_SCHEDULED_ARGS_BYTES_PER_TRANSACTION) {
    throw new Error(
      `Too large total size of the arguments of scheduled functions from this mutation (limit: ${MAX_SCHEDULED_ARGS_BYTES_PER_TRANSACTION} bytes)`,
    );
  }
  budget.argsBytes += size;
}

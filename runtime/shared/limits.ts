// Time limits, as in the Convex backend (crates/common/src/knobs.rs): queries and mutations get
// 1 s of user time, actions and HTTP actions 1800 s. Both are configurable for local work.
// Memory limits, as documented by Convex: 64 MiB per function in its runtime, 512 MiB for actions
// in "use node" files, which it runs in Node.js.
import type { UdfType } from "./protocol";

export const DEFAULT_QUERY_TIMEOUT_MS = 1000;
export const DEFAULT_ACTION_TIMEOUT_MS = 1800 * 1000;

export function timeoutMessage(udfType: UdfType, identifier: string, limitMs: number): string {
  const seconds = limitMs / 1000;
  const kind = udfType === "httpAction" ? "HTTP action" : udfType;
  const article = kind === "action" || kind === "HTTP action" ? "an" : "a";
  return `Function execution timed out: ${kind} ${identifier} ran for more than ${seconds}s of execution time (the limit for ${article} ${kind}).`;
}

/**
 * An HTTP action still running this long after its client disconnected is stopped. Convex lets it
 * run on (up to the action limit); locally a loop would keep a CPU core of the developer's machine
 * busy for half an hour.
 */
export const DEFAULT_CLIENT_GONE_TIMEOUT_MS = 30 * 1000;

export function clientGoneMessage(identifier: string, afterMs: number): string {
  return `HTTP action ${identifier} was still running ${afterMs / 1000} s after its client disconnected: it was stopped.`;
}

export const ISOLATE_MEMORY_LIMIT_MIB = 64;
export const NODE_MEMORY_LIMIT_MIB = 512;

/** The limit of one execution: only actions run in Node ("use node"); Convex refuses other kinds there. */
export function memoryLimitMib(udfType: UdfType, environment: "isolate" | "node"): number {
  return udfType === "action" && environment === "node" ? NODE_MEMORY_LIMIT_MIB : ISOLATE_MEMORY_LIMIT_MIB;
}

/** The backend's words (crates/isolate/src/termination.rs, OutOfMemoryError). */
export function outOfMemoryMessage(limitMib: number): string {
  return `JavaScript execution ran out of memory (maximum memory usage: ${limitMib} MB)`;
}

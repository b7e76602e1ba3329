// Time limits, as in the Convex backend (crates/common/src/knobs.rs): queries and mutations get
// 1 s of user time, actions and HTTP actions 1800 s. Both are configurable for local work.
import type { UdfType } from "./protocol";

export const DEFAULT_QUERY_TIMEOUT_MS = 1000;
export const DEFAULT_ACTION_TIMEOUT_MS = 1800 * 1000;

export function timeoutMessage(udfType: UdfType, identifier: string, limitMs: number): string {
  const seconds = limitMs / 1000;
  const kind = udfType === "httpAction" ? "HTTP action" : udfType;
  const article = kind === "action" || kind === "HTTP action" ? "an" : "a";
  return `Function execution timed out: ${kind} ${identifier} ran for more than ${seconds}s of execution time (the limit for ${article} ${kind}).`;
}

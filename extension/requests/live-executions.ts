// The executions of one request while it runs: every start, log line and end the log store
// records under its request id, gathered at most every `intervalMs` into the call tree the
// panel's Logs tab shows. No vscode.
import type { LogStore, LogStoreEvent } from "../../runtime";
import type { ExecutionView } from "../../webview/protocol/core";
import { executionsOf } from "./send-request";

export const LIVE_LOGS_INTERVAL_MS = 100;

/** Calls `onChange` with the request's executions after each burst of its log events; returns the stop function. */
export function watchExecutions(
  logs: LogStore,
  requestId: string,
  onChange: (executions: ExecutionView[]) => void,
  intervalMs = LIVE_LOGS_INTERVAL_MS,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const gather = () => {
    timer = undefined;
    if (stopped) return;
    try {
      onChange(executionsOf(logs, requestId));
    } catch {
      // The log store closed (the runtime stopped): the final state says what happened.
    }
  };
  const unsubscribe = logs.subscribe((event: LogStoreEvent) => {
    if (stopped || timer !== undefined) return;
    if (event.kind !== "executionStarted" && event.kind !== "lines" && event.kind !== "executionFinished") return;
    if (event.execution.requestId !== requestId) return;
    // Never from inside the store's own callback: reading writes its queue first.
    timer = setTimeout(gather, intervalMs);
  });
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    unsubscribe();
  };
}

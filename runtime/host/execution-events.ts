// Fans the worker's execution events out to whoever listens (log store, CLI printer, panels),
// keeping what each line needs to be printed: the execution's type and identifier.
import type { ExecutionEnd, ExecutionLog, ExecutionStart } from "../shared/protocol";

export interface ExecutionListener {
  onStart?(start: ExecutionStart): void;
  onLog?(log: ExecutionLog, start: ExecutionStart | undefined): void;
  onEnd?(end: ExecutionEnd, start: ExecutionStart | undefined): void;
}

export class ExecutionEvents {
  readonly #listeners = new Set<ExecutionListener>();
  readonly #running = new Map<string, ExecutionStart>();

  listen(listener: ExecutionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The request of an execution still running; null once it ended (or for an unknown id). */
  requestIdOf(execId: string): string | null {
    return this.#running.get(execId)?.requestId ?? null;
  }

  start(event: ExecutionStart): void {
    this.#running.set(event.execId, event);
    for (const listener of this.#listeners) safely(() => listener.onStart?.(event));
  }

  log(event: ExecutionLog): void {
    const start = this.#running.get(event.execId);
    for (const listener of this.#listeners) safely(() => listener.onLog?.(event, start));
  }

  end(event: ExecutionEnd): void {
    const start = this.#running.get(event.execId);
    if (!start) return; // Already ended (e.g. the worker died after it reported the end).
    this.#running.delete(event.execId);
    for (const listener of this.#listeners) safely(() => listener.onEnd?.(event, start));
  }
}

/** A listener that throws must not break the request that produced the event. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    process.stderr.write(`[convex-lens] execution listener failed: ${String(error)}\n`);
  }
}

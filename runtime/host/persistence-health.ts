// Whether the runtime's files are being saved: the document store's commit log and database file,
// and the log store's file. Failures happen in the background (a checkpoint a second after the
// last commit, the log store's periodic write) or on every commit while a disk is full, so they
// are turned into transitions: one "failed" event when a part starts failing, one "recovered"
// event, with how many failures it took, when it writes again. The CLI prints them, the extension
// shows them in the status bar.
import { LogWriteError, type LogStore } from "../logs/log-store";
import type { DiskPart } from "../store/sqlite-store";

export type PersistencePart = DiskPart | "log file";

export type PersistenceEvent =
  | { kind: "failed"; part: PersistencePart; message: string }
  | { kind: "recovered"; part: PersistencePart; message: string; failures: number };

export class PersistenceHealth {
  readonly #failing = new Map<PersistencePart, { message: string; failures: number }>();
  readonly #listeners = new Set<(event: PersistenceEvent) => void>();

  /** The parts failing now, with the first failure's message. */
  get problems(): Array<{ part: PersistencePart; message: string }> {
    return [...this.#failing].map(([part, { message }]) => ({ part, message }));
  }

  /** Calls `listener` on every transition; returns the unsubscribe function. */
  subscribe(listener: (event: PersistenceEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A write of `part` failed (`error`), or worked (`null`). */
  report(part: PersistencePart, error: unknown): void {
    const failing = this.#failing.get(part);
    if (error === null) {
      if (!failing) return;
      this.#failing.delete(part);
      const times = failing.failures === 1 ? "once" : `${failing.failures} times`;
      this.#emit({
        kind: "recovered",
        part,
        failures: failing.failures,
        message: `Saving the ${part} works again (it had failed ${times}).`,
      });
      return;
    }
    if (failing) {
      failing.failures++;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.#failing.set(part, { message, failures: 1 });
    this.#emit({ kind: "failed", part, message });
  }

  #emit(event: PersistenceEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not keep the others from hearing.
      }
    }
  }
}

/**
 * Feeds the log store's file writes into `health`. Records the log database itself refused (a
 * LogWriteError: not a disk problem) are told as a notice.
 */
export function watchLogStore(logs: LogStore, health: PersistenceHealth, notice: (text: string) => void): void {
  logs.subscribe((event) => {
    if (event.kind === "persistRecovered") health.report("log file", null);
    else if (event.kind !== "persistError") return;
    else if (event.error instanceof LogWriteError) notice(event.error.message);
    else health.report("log file", event.error);
  });
}

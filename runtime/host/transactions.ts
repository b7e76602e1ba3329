// Open database transactions, keyed by the id the worker carries in every database syscall.
// Transactions belong to a worker; when a worker dies its transactions are rolled back.
import type { ReadTransaction, WriteTransaction } from "../store/types";

export interface OpenTransaction {
  id: number;
  ownerWorker: number;
  mode: "read" | "write";
  tx: ReadTransaction | WriteTransaction;
  /** The request of the execution that began it (told to commit listeners); null when unknown. */
  requestId: string | null;
  metrics: { documentsRead: number; bytesRead: number; documentsWritten: number; bytesWritten: number; databaseQueries: number };
}

export class TransactionTable {
  #nextId = 1;
  readonly #open = new Map<number, OpenTransaction>();
  /** Workers already gone (ids are never reused): one small number per dead worker. */
  readonly #goneWorkers = new Set<number>();

  add(
    ownerWorker: number,
    mode: "read" | "write",
    tx: ReadTransaction | WriteTransaction,
    requestId: string | null = null,
  ): OpenTransaction {
    if (this.#goneWorkers.has(ownerWorker)) {
      // The worker died while this transaction waited for its lock: nobody will ever end it, and
      // a write lock held forever would stop every other function. Release it at once.
      if (mode === "write") (tx as WriteTransaction).abort();
      else tx.end();
      throw new Error("The function runner that asked for this transaction is gone");
    }
    const entry: OpenTransaction = {
      id: this.#nextId++,
      ownerWorker,
      mode,
      tx,
      requestId,
      metrics: { documentsRead: 0, bytesRead: 0, documentsWritten: 0, bytesWritten: 0, databaseQueries: 0 },
    };
    this.#open.set(entry.id, entry);
    return entry;
  }

  get(id: number, worker: number): OpenTransaction {
    const entry = this.#open.get(id);
    if (!entry || entry.ownerWorker !== worker) throw new Error(`Transaction ${id} is not open`);
    return entry;
  }

  write(id: number, worker: number): WriteTransaction {
    const entry = this.get(id, worker);
    if (entry.mode !== "write") throw new Error("This function cannot write: it runs in a read-only transaction");
    return entry.tx as WriteTransaction;
  }

  close(id: number): void {
    this.#open.delete(id);
  }

  /** Ends every transaction of a worker that is gone, so its locks are released and writes dropped. */
  abandon(worker: number): number {
    this.#goneWorkers.add(worker);
    let count = 0;
    for (const entry of [...this.#open.values()]) {
      if (entry.ownerWorker !== worker) continue;
      this.#open.delete(entry.id);
      try {
        if (entry.mode === "write") (entry.tx as WriteTransaction).abort();
        else entry.tx.end();
      } catch {
        // Already ended: nothing to release.
      }
      count += 1;
    }
    return count;
  }
}

// Convex's per-transaction limits (docs: production/state/limits), reported by getTransactionMetrics.
export const TRANSACTION_LIMITS = {
  bytesRead: 16 * 1024 * 1024,
  bytesWritten: 16 * 1024 * 1024,
  databaseQueries: 4096,
  documentsRead: 32_000,
  documentsWritten: 16_000,
  functionsScheduled: 1000,
  // 8 MiB, as the backend's knobs.rs sets it.
  scheduledFunctionArgsBytes: 8 * 1024 * 1024,
} as const;

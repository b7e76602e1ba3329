// Keeps bytes on disk in step with `_storage` documents. Inside a mutation a store places its
// bytes before the mutation commits, and a delete must keep them until it commits; whether the
// document survived is only known when the transaction ends (a rollback, or a nested mutation
// that failed, undoes either). So the mutation's storage IDs are noted, and once its transaction
// is over, each one whose document does not exist loses its bytes.
//
// The same rule, over every file, runs at start: it removes what a crash or a killed worker
// (whose transaction is dropped without an end event) left behind. Only on a database that had
// file storage before this start: a new one (its file moved aside, say) has no record of any
// file, and the sweep would delete them all.
import type { StorePort } from "../host/store-port";
import type { FileStore } from "./file-store";
import { readEntry, storageTableOfId } from "./storage-records";

export class FileReconciler {
  readonly #touched = new Map<number, { worker: number; ids: Set<string> }>();
  readonly #running = new Set<Promise<unknown>>();

  constructor(
    private readonly store: StorePort,
    private readonly files: FileStore,
    /** Whether the transaction is still open (a killed worker's transaction just disappears). */
    private readonly isOpen: (txId: number, worker: number) => boolean,
  ) {}

  /** A mutation's transaction stored or deleted `id`: check it when that transaction ends. */
  touch(txId: number, worker: number, id: string): void {
    let entry = this.#touched.get(txId);
    if (!entry) {
      entry = { worker, ids: new Set() };
      this.#touched.set(txId, entry);
    }
    entry.ids.add(id);
  }

  /** A transaction committed or rolled back: reconcile its files and those of vanished ones. */
  ended(txId: number): void {
    const ids = [...(this.#touched.get(txId)?.ids ?? [])];
    this.#touched.delete(txId);
    ids.push(...this.takeAbandoned());
    if (ids.length > 0) this.#track(this.#removeOrphans(() => ids));
  }

  /** IDs noted by transactions that are gone without an end event (their worker was stopped). */
  takeAbandoned(): string[] {
    const ids: string[] = [];
    for (const [txId, entry] of this.#touched) {
      if (this.isOpen(txId, entry.worker)) continue;
      this.#touched.delete(txId);
      ids.push(...entry.ids);
    }
    return ids;
  }

  checkAbandoned(): void {
    const ids = this.takeAbandoned();
    if (ids.length > 0) this.#track(this.#removeOrphans(() => ids));
  }

  /**
   * Every file without a document (run before anything can be stored, and then it is exact).
   * Resolves with the IDs removed.
   */
  sweepAll(): Promise<string[]> {
    const done = this.#removeOrphans(() => this.files.storedIds());
    this.#track(done);
    return done;
  }

  /** Resolves when the cleanups started so far are done. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  /**
   * Checks the documents under a read transaction: no write transaction is open meanwhile, so no
   * file is half-way between "placed" and "committed". A missing document never comes back
   * (IDs are random), so the bytes can be removed after the lock is released.
   */
  async #removeOrphans(ids: () => string[]): Promise<string[]> {
    let orphans: string[];
    const tx = await this.store.beginRead();
    try {
      orphans = ids().filter((id) => {
        // Any install's `_storage` may hold the file (storage IDs are unique across installs).
        const table = storageTableOfId(this.store, id);
        return table === null || readEntry(tx, id, table) === null;
      });
    } finally {
      tx.end();
    }
    for (const id of orphans) await this.files.remove(id);
    return orphans;
  }

  #track(work: Promise<unknown>): void {
    // Best effort: a failure here (the store closing at shutdown) leaves garbage that the sweep of
    // the next start removes.
    const settled: Promise<unknown> = work.catch(() => undefined).finally(() => this.#running.delete(settled));
    this.#running.add(settled);
  }
}

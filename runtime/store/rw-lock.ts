// A fair readers–writer lock: any number of readers OR one writer. Requests are granted in arrival
// order, so a waiting writer is not starved by a stream of new readers (they queue behind it),
// and readers that arrived together are let in together.
//
// Write transactions hold the write lock for their whole life, which makes mutations
// serializable without optimistic concurrency control; read transactions hold a read lock,
// which is what makes their reads a consistent snapshot (nothing commits under them).

type Waiter = { kind: "read" | "write"; grant: () => void };

export class ReadersWriterLock {
  private readers = 0;
  private writer = false;
  private readonly queue: Waiter[] = [];

  /** Resolves once the caller holds a read lock. Release it with `releaseRead`. */
  acquireRead(): Promise<void> {
    if (!this.writer && this.queue.length === 0) {
      this.readers++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push({ kind: "read", grant: resolve }));
  }

  /** Resolves once the caller holds the write lock. Release it with `releaseWrite`. */
  acquireWrite(): Promise<void> {
    if (!this.writer && this.readers === 0 && this.queue.length === 0) {
      this.writer = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push({ kind: "write", grant: resolve }));
  }

  releaseRead(): void {
    if (this.readers <= 0) throw new Error("releaseRead without a read lock");
    this.readers--;
    this.dispatch();
  }

  releaseWrite(): void {
    if (!this.writer) throw new Error("releaseWrite without the write lock");
    this.writer = false;
    this.dispatch();
  }

  /** For tests and diagnostics. */
  get state(): { readers: number; writer: boolean; waiting: number } {
    return { readers: this.readers, writer: this.writer, waiting: this.queue.length };
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.writer) {
      const next = this.queue[0]!;
      if (next.kind === "write") {
        if (this.readers > 0) return;
        this.queue.shift();
        this.writer = true;
        next.grant();
        return;
      }
      this.queue.shift();
      this.readers++;
      next.grant();
    }
  }
}

// Follows one part of the runtime serving now (its log store, cron jobs, live queries): a restart
// makes new ones, so a panel subscribes to the current part and lets go of the one before.
export class ServingPart<Part> {
  #current: Part | null = null;
  #stop: (() => void) | null = null;

  constructor(private readonly subscribe: (part: Part) => () => void) {}

  /** Subscribes to `part` unless it is the one followed already. */
  follow(part: Part | null): void {
    if (part === this.#current) return;
    this.dispose();
    this.#current = part;
    if (part !== null) this.#stop = this.subscribe(part);
  }

  dispose(): void {
    this.#stop?.();
    this.#stop = null;
    this.#current = null;
  }
}

// Execution starts the worker has not posted yet, in shared memory where the host can read them.
//
// Before user code runs, the host must be able to name the execution (the watchdog stops a loop
// that never yields by its name) and record it (its start and failed end in the logs). Posting
// the start on its own did that, at the price of a message, and of waking the host, per HTTP
// action (bench/where-the-time-goes.md, figure 1). Instead the starts still waiting in the
// worker's outbox are written here; they travel with the answer when the event loop turns, and
// the host reads them from here only if it looks before they arrive (its watchdog does, every
// round, and when the worker exits).
//
// A sequence lock: the worker makes the sequence odd while it writes and even when done; the host
// keeps what it read only if the sequence was even and unchanged around its copy.
import type { ExecutionStart } from "./protocol";
import { ANNOUNCED_BYTES, CONTROL_ANNOUNCED_LENGTH, CONTROL_ANNOUNCED_SEQ, CONTROL_SLOTS } from "./sync-channel";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class AnnouncedStarts {
  readonly #control: Int32Array;
  /** Room for the JSON of the starts; more than that is posted at once instead. */
  readonly #bytes: Uint8Array;
  #written = false;

  /** The area in the control block shared by host and worker (sync-channel.ts). */
  constructor(control: SharedArrayBuffer) {
    this.#control = new Int32Array(control, 0, CONTROL_SLOTS);
    this.#bytes = new Uint8Array(control, CONTROL_SLOTS * 4, ANNOUNCED_BYTES);
  }

  /** The worker's side: replaces what is there with `starts`; false when they do not fit. */
  write(starts: readonly ExecutionStart[]): boolean {
    const text = JSON.stringify(starts);
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (text.length * 3 > this.#bytes.length) return false;
    Atomics.add(this.#control, CONTROL_ANNOUNCED_SEQ, 1);
    const { written } = encoder.encodeInto(text, this.#bytes);
    Atomics.store(this.#control, CONTROL_ANNOUNCED_LENGTH, written);
    Atomics.add(this.#control, CONTROL_ANNOUNCED_SEQ, 1);
    this.#written = true;
    return true;
  }

  /** The worker's side, before it posts them: nothing is waiting any more. */
  clear(): void {
    if (!this.#written) return;
    Atomics.add(this.#control, CONTROL_ANNOUNCED_SEQ, 1);
    Atomics.store(this.#control, CONTROL_ANNOUNCED_LENGTH, 0);
    Atomics.add(this.#control, CONTROL_ANNOUNCED_SEQ, 1);
    this.#written = false;
  }

  /** The host's side: the starts waiting now ([] if none), or null when the worker was writing. */
  read(): ExecutionStart[] | null {
    const before = Atomics.load(this.#control, CONTROL_ANNOUNCED_SEQ);
    if ((before & 1) === 1) return null;
    const length = Atomics.load(this.#control, CONTROL_ANNOUNCED_LENGTH);
    if (length === 0) return [];
    const copy = this.#bytes.slice(0, Math.min(length, this.#bytes.length));
    if (Atomics.load(this.#control, CONTROL_ANNOUNCED_SEQ) !== before) return null;
    try {
      return JSON.parse(decoder.decode(copy)) as ExecutionStart[];
    } catch {
      // Never expected (the sequence was even and unchanged); the next round reads it again.
      return null;
    }
  }
}

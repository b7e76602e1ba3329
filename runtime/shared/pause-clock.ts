// Time a user-code worker spent stopped at a breakpoint, in the worker's control block. The host
// writes it (it sees the debugger's `Debugger.paused`/`resumed`, runtime/debug); the worker reads
// it to leave that time out of the 1 s a query or mutation may run. Wall-clock milliseconds, the
// one clock both threads share. While paused, "since" holds when the pause began, so a reader that
// runs before the host has seen the resume counts the pause up to now rather than as run time.
import { CONTROL_PAUSE } from "./sync-channel";

/** 64-bit slots over the control block's 32-bit ones: [total paused ms, paused since (0: running)]. */
const TOTAL = CONTROL_PAUSE / 2;
const SINCE = TOTAL + 1;

export class PauseClock {
  readonly #slots: BigInt64Array;

  constructor(control: SharedArrayBuffer) {
    this.#slots = new BigInt64Array(control, 0, Math.floor(control.byteLength / 8));
  }

  /** How long the current pause has lasted; 0 while running. */
  pausedFor(now = Date.now()): number {
    const since = Atomics.load(this.#slots, SINCE);
    return since === 0n ? 0 : Math.max(1, now - Number(since));
  }

  /** Host: the worker stopped at a breakpoint (again: nothing changes). */
  pause(now = Date.now()): void {
    Atomics.compareExchange(this.#slots, SINCE, 0n, BigInt(now));
  }

  /** Host: the worker runs again. */
  resume(now = Date.now()): void {
    const since = Atomics.exchange(this.#slots, SINCE, 0n);
    if (since !== 0n) Atomics.add(this.#slots, TOTAL, BigInt(Math.max(0, now - Number(since))));
  }

  /** Milliseconds spent paused so far, the current pause included. Only grows. */
  totalMs(now = Date.now()): number {
    const since = Atomics.load(this.#slots, SINCE);
    const total = Number(Atomics.load(this.#slots, TOTAL));
    return since === 0n ? total : total + Math.max(0, now - Number(since));
  }
}

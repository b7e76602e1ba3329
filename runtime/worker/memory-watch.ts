// Convex's memory limit, measured from inside the worker. A worker runs several executions at once
// and V8 cannot say which of them holds what, so the rule is: what the isolate holds above its
// baseline (measured once the project has loaded) is charged to the executions running, whose
// budget is the sum of their limits (one 64 MiB limit when none runs: memory kept after functions
// returned). "Holds" is the V8 heap in use plus external memory, which is where ArrayBuffers,
// Buffers and typed arrays live; `resourceLimits` bounds the heap only.
//
// The heartbeat measures every 25 ms and publishes the figures in the control block. Garbage
// counts until the collector runs, so an over-budget reading is confirmed after full collections
// before the host is told (CONTROL_MEMORY_OVER); the host then terminates the worker. It takes two:
// the external memory of ArrayBuffers that died in the old generation is only given back (and
// stops counting) at the collection after the one that found them dead.
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ISOLATE_MEMORY_LIMIT_MIB } from "../shared/limits";
import {
  CONTROL_MEMORY_BASELINE_KIB,
  CONTROL_MEMORY_BUDGET_KIB,
  CONTROL_MEMORY_IN_USE_KIB,
  CONTROL_MEMORY_LIMIT_MIB,
  CONTROL_MEMORY_OVER,
} from "../shared/sync-channel";

/** Full collections take tens of milliseconds: at most one round per this many while over budget. */
const MIN_COLLECTION_INTERVAL_MS = 250;
const KIB = 1024;
const MIB = 1024 * 1024;

export class MemoryWatch {
  readonly #control: Int32Array;
  readonly #collect: () => void;
  #baseline: number | null = null;
  /** Running executions → their limit in MiB. */
  readonly #limits = new Map<string, number>();
  #collectedAt = -Infinity;

  constructor(control: SharedArrayBuffer) {
    this.#control = new Int32Array(control);
    this.#collect = fullCollection();
    this.#publishBudget();
  }

  /** Once the project has loaded: what the isolate holds now (modules, `convex`) is not charged. */
  setBaseline(): void {
    this.#collect();
    this.#baseline = inUse();
    Atomics.store(this.#control, CONTROL_MEMORY_BASELINE_KIB, Math.round(this.#baseline / KIB));
    this.check();
  }

  started(execId: string, limitMib: number): void {
    this.#limits.set(execId, limitMib);
    this.#publishBudget();
  }

  ended(execId: string): void {
    this.#limits.delete(execId);
    this.#publishBudget();
  }

  /** Measures, publishes, and flags the worker when a full collection leaves it over budget. */
  check(): void {
    if (this.#baseline === null) return;
    let held = inUse();
    const budget = this.#budgetMib() * MIB;
    const now = performance.now();
    if (held - this.#baseline > budget && now - this.#collectedAt >= MIN_COLLECTION_INTERVAL_MS) {
      this.#collectedAt = now;
      for (let round = 0; round < 2 && held - this.#baseline > budget; round++) {
        this.#collect();
        held = inUse();
      }
      if (held - this.#baseline > budget) Atomics.store(this.#control, CONTROL_MEMORY_OVER, 1);
    }
    Atomics.store(this.#control, CONTROL_MEMORY_IN_USE_KIB, Math.round(held / KIB));
  }

  #budgetMib(): number {
    let sum = 0;
    for (const limit of this.#limits.values()) sum += limit;
    return sum === 0 ? ISOLATE_MEMORY_LIMIT_MIB : sum;
  }

  #publishBudget(): void {
    Atomics.store(this.#control, CONTROL_MEMORY_BUDGET_KIB, this.#budgetMib() * KIB);
    Atomics.store(this.#control, CONTROL_MEMORY_LIMIT_MIB, Math.max(ISOLATE_MEMORY_LIMIT_MIB, ...this.#limits.values()));
  }
}

/** What the isolate holds: the V8 heap in use plus external memory (ArrayBuffers and the like). */
function inUse(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

/**
 * V8's `gc()`, taken without leaving it on user code's global: the flag applies to contexts made
 * while it is set, so it is set for one new context only (unless the process runs with it).
 */
function fullCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  setFlagsFromString("--expose-gc");
  try {
    return runInNewContext("gc") as () => void;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}

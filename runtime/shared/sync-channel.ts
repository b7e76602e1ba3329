// Layout of the shared control block between host and worker, and the host's half of the
// synchronous call: the worker blocks in Atomics.wait until the host writes the answer here.
export const CONTROL_SYNC_STATE = 0;
export const CONTROL_SYNC_LENGTH = 1;
export const CONTROL_HEARTBEAT = 2;
export const CONTROL_RUNNING_SLOT = 3;
/**
 * Memory, written by the worker's heartbeat (worker/memory-watch.ts): what its isolate holds (V8
 * heap in use plus external memory such as ArrayBuffers) and what it held after loading the
 * project, in KiB; the budget of the executions running there, in KiB; the largest per-execution
 * limit among them, in MiB (for the error); 1 once a full collection left it over budget.
 */
export const CONTROL_MEMORY_IN_USE_KIB = 4;
export const CONTROL_MEMORY_BASELINE_KIB = 5;
export const CONTROL_MEMORY_BUDGET_KIB = 6;
export const CONTROL_MEMORY_LIMIT_MIB = 7;
export const CONTROL_MEMORY_OVER = 8;
/**
 * Request claims: slot `CONTROL_CLAIMS + id % CLAIM_SLOTS` holds `id` while the request waits in
 * the worker's message queue. The worker turns it into `-id` when it takes the request; the host
 * may turn it into `~id` first (withdrawn: the worker drops it) to run it on another worker. One
 * compare-and-swap on each side, so a request runs exactly once.
 */
export const CONTROL_CLAIMS = 9;
export const CLAIM_SLOTS = 1024;
/** Execution starts not posted yet (shared/announced-starts.ts): a sequence lock and a length. */
export const CONTROL_ANNOUNCED_SEQ = CONTROL_CLAIMS + CLAIM_SLOTS;
export const CONTROL_ANNOUNCED_LENGTH = CONTROL_ANNOUNCED_SEQ + 1;
/**
 * Time stopped at breakpoints (shared/pause-clock.ts): two 64-bit values, so the index is even
 * (8-byte aligned) and four 32-bit slots long.
 */
export const CONTROL_PAUSE = CONTROL_ANNOUNCED_LENGTH + 1 + ((CONTROL_ANNOUNCED_LENGTH + 1) % 2);
/**
 * How many debuggers are attached to the worker (written by the host, debug/debuggable-workers.ts):
 * while there are any, user code's console also goes to the debugger's console.
 */
export const CONTROL_DEBUGGERS = CONTROL_PAUSE + 4;
export const CONTROL_SLOTS = CONTROL_DEBUGGERS + 1;
/** The starts' JSON follows the slots. */
export const ANNOUNCED_BYTES = 16 * 1024;
/** The size of the control block. */
export const CONTROL_BYTES = CONTROL_SLOTS * 4 + ANNOUNCED_BYTES;

export function claimSlot(id: number): number {
  return CONTROL_CLAIMS + (id % CLAIM_SLOTS);
}

export const SYNC_IDLE = 0;
export const SYNC_DONE = 1;
export const SYNC_FAILED = 2;

export function answerSyncCall(control: Int32Array, syncBytes: Uint8Array, ok: boolean, text: string): void {
  let bytes = new TextEncoder().encode(text);
  let state = ok ? SYNC_DONE : SYNC_FAILED;
  if (bytes.length > syncBytes.length) {
    bytes = new TextEncoder().encode(`The answer of a synchronous operation exceeded ${syncBytes.length} bytes`);
    state = SYNC_FAILED;
  }
  syncBytes.set(bytes);
  Atomics.store(control, CONTROL_SYNC_LENGTH, bytes.length);
  Atomics.store(control, CONTROL_SYNC_STATE, state);
  Atomics.notify(control, CONTROL_SYNC_STATE);
}

// Layout of the shared control block between host and worker, and the host's half of the
// synchronous call: the worker blocks in Atomics.wait until the host writes the answer here.
export const CONTROL_SYNC_STATE = 0;
export const CONTROL_SYNC_LENGTH = 1;
export const CONTROL_HEARTBEAT = 2;
export const CONTROL_RUNNING_SLOT = 3;
export const CONTROL_SLOTS = 4;

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

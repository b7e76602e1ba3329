// The worker's side of the conversation with the host: async calls answered by "reply" messages,
// and sync calls that block on a SharedArrayBuffer (Convex.syscall is synchronous by contract).
import { parentPort } from "node:worker_threads";
import type { HostToWorker, WireError, WorkerToHost } from "../shared/protocol";

import {
  CONTROL_HEARTBEAT,
  CONTROL_RUNNING_SLOT,
  CONTROL_SYNC_LENGTH,
  CONTROL_SYNC_STATE,
  SYNC_DONE,
  SYNC_FAILED,
  SYNC_IDLE,
} from "../shared/sync-channel";

export class HostChannel {
  #nextId = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: WireError) => void }>();
  readonly #control: Int32Array;
  readonly #syncBytes: Uint8Array;

  constructor(control: SharedArrayBuffer, syncBuffer: SharedArrayBuffer) {
    this.#control = new Int32Array(control);
    this.#syncBytes = new Uint8Array(syncBuffer);
  }

  send(message: WorkerToHost, transfer?: ArrayBuffer[]): void {
    parentPort!.postMessage(message, transfer);
  }

  call(execId: string, op: string, args: unknown): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.send({ type: "call", id, execId, op, args });
    });
  }

  /** Answers a reply message; returns false when the message was not a reply. */
  handleReply(message: HostToWorker): boolean {
    if (message.type !== "reply") return false;
    const pending = this.#pending.get(message.id);
    if (!pending) return true;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(message.error);
    return true;
  }

  /** Blocks this thread until the host answers. Used only for the few synchronous syscalls. */
  syncCall(execId: string, op: string, args: unknown): unknown {
    Atomics.store(this.#control, CONTROL_SYNC_STATE, SYNC_IDLE);
    this.send({ type: "sync-call", execId, op, args });
    // A generous bound: the host answers sync calls without waiting on locks.
    const outcome = Atomics.wait(this.#control, CONTROL_SYNC_STATE, SYNC_IDLE, 30_000);
    if (outcome === "timed-out") throw new Error(`The runtime did not answer the synchronous operation ${op}`);
    const state = Atomics.load(this.#control, CONTROL_SYNC_STATE);
    const length = Atomics.load(this.#control, CONTROL_SYNC_LENGTH);
    const text = new TextDecoder().decode(this.#syncBytes.slice(0, length));
    Atomics.store(this.#control, CONTROL_SYNC_STATE, SYNC_IDLE);
    if (state === SYNC_FAILED) throw new Error(text);
    if (state !== SYNC_DONE) throw new Error(`Unexpected state of the synchronous channel: ${state}`);
    return JSON.parse(text);
  }

  heartbeat(): void {
    Atomics.add(this.#control, CONTROL_HEARTBEAT, 1);
  }

  setRunningSlot(slot: number): void {
    Atomics.store(this.#control, CONTROL_RUNNING_SLOT, slot);
  }
}


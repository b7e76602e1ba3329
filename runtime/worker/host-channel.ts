// The worker's side of the conversation with the host: async calls answered by "reply" messages,
// and sync calls that block on a SharedArrayBuffer (Convex.syscall is synchronous by contract).
//
// Outgoing messages are batched: each postMessage wakes the host thread and costs both threads
// more CPU than a small syscall's own work (bench/RESULTS.md), and one request sends several in a
// row (an execution's end, its result, the next execution's start and first call). A batch goes
// out when the event loop turns, and at once before user code runs (`setRunningSlot`), before a
// synchronous call blocks this thread, and with every log line, so that nothing the host needs
// to name or explain a looping function is held back. When all that waits before user code runs
// is execution starts (an HTTP action's, an action's), they are written to shared memory instead
// (shared/announced-starts.ts), where the host finds them if the code never yields, and go out
// with the answer: one message per trivial HTTP action instead of two.
import { parentPort } from "node:worker_threads";
import type { ExecutionStart, HostToWorker, WireError, WorkerToHost } from "../shared/protocol";
import { AnnouncedStarts } from "../shared/announced-starts";
import { Outbox } from "../shared/outbox";
import { PauseClock } from "../shared/pause-clock";
import type {
  AsyncOps,
  DatabaseOpName,
  FeatureOpName,
  IdentityOpName,
  OpArgs,
  OpCaller,
  OpResult,
  SyncOpName,
  SyncOps,
} from "../shared/host-ops";

import {
  CONTROL_DEBUGGERS,
  CONTROL_HEARTBEAT,
  CONTROL_RUNNING_SLOT,
  CONTROL_SYNC_LENGTH,
  CONTROL_SYNC_STATE,
  SYNC_DONE,
  SYNC_FAILED,
  SYNC_IDLE,
} from "../shared/sync-channel";

// A generic op does not narrow the message's union of ops; the signatures above check each call.
type CallMessage = Extract<WorkerToHost, { type: "call" }>;
type SyncCallMessage = Extract<WorkerToHost, { type: "sync-call" }>;

export class HostChannel {
  #nextId = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: WireError) => void }>();
  readonly #control: Int32Array;
  readonly #syncBytes: Uint8Array;
  readonly #pauses: PauseClock;
  readonly #outbox = new Outbox<WorkerToHost>(
    (message, transfer) => parentPort!.postMessage(message, transfer),
    () => {
      this.#outboxStarts = [];
      // Before the post: once the host has read the message, it must not find these starts again.
      this.#announced.clear();
    },
  );
  /** The execution starts in the outbox. */
  #outboxStarts: ExecutionStart[] = [];
  readonly #announced: AnnouncedStarts;

  constructor(control: SharedArrayBuffer, syncBuffer: SharedArrayBuffer) {
    this.#control = new Int32Array(control);
    this.#syncBytes = new Uint8Array(syncBuffer);
    this.#announced = new AnnouncedStarts(control);
    this.#pauses = new PauseClock(control);
  }

  /** A debugger (VS Code's, Chrome DevTools) is attached to this worker now. */
  debuggerAttached(): boolean {
    return Atomics.load(this.#control, CONTROL_DEBUGGERS) > 0;
  }

  /** Milliseconds this worker has spent stopped at breakpoints: not run time (time limits). */
  pausedMs(): number {
    return this.#pauses.totalMs();
  }

  send(message: WorkerToHost, transfer?: ArrayBuffer[]): void {
    this.#outbox.push(message, transfer);
    if (message.type === "exec-start") this.#outboxStarts.push(message);
    if (message.type === "exec-log") this.flush();
  }

  /** Posts what is waiting, as one message. */
  flush(): void {
    this.#outbox.flush();
  }

  /** Ending a transaction, whose answer nobody waits for. */
  notify(execId: string, op: "tx/end", args: OpArgs<AsyncOps["tx/end"]>): void {
    this.send({ type: "call", id: 0, execId, op, args });
  }

  /** An op whose arguments say everything (shared/host-ops.ts); resolves to its result. */
  call<Op extends DatabaseOpName | IdentityOpName>(execId: string, op: Op, args: OpArgs<AsyncOps[Op]>): Promise<OpResult<AsyncOps[Op]>> {
    const id = this.#nextId++;
    const answer = this.#answer<OpResult<AsyncOps[Op]>>(id);
    this.send({ type: "call", id, execId, op, args } as CallMessage);
    return answer;
  }

  /** A feature op, for the calling function `caller`. */
  callFor<Op extends FeatureOpName>(execId: string, op: Op, args: OpArgs<AsyncOps[Op]>, caller: OpCaller): Promise<OpResult<AsyncOps[Op]>> {
    const id = this.#nextId++;
    const answer = this.#answer<OpResult<AsyncOps[Op]>>(id);
    this.send({ type: "call", id, execId, op, args, caller } as CallMessage);
    return answer;
  }

  /** The reply to call `id`: the op's result, as the host's handler typed from the same entry returned it. */
  #answer<Result>(id: number): Promise<Result> {
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject }));
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
  syncCall<Op extends SyncOpName>(execId: string, op: Op, args: OpArgs<SyncOps[Op]>): OpResult<SyncOps[Op]> {
    Atomics.store(this.#control, CONTROL_SYNC_STATE, SYNC_IDLE);
    this.send({ type: "sync-call", execId, op, args } as SyncCallMessage);
    this.flush();
    // A generous bound: the host answers sync calls without waiting on locks.
    const outcome = Atomics.wait(this.#control, CONTROL_SYNC_STATE, SYNC_IDLE, 30_000);
    if (outcome === "timed-out") throw new Error(`The runtime did not answer the synchronous operation ${op}`);
    const state = Atomics.load(this.#control, CONTROL_SYNC_STATE);
    const length = Atomics.load(this.#control, CONTROL_SYNC_LENGTH);
    const text = new TextDecoder().decode(this.#syncBytes.slice(0, length));
    Atomics.store(this.#control, CONTROL_SYNC_STATE, SYNC_IDLE);
    if (state === SYNC_FAILED) throw new Error(text);
    if (state !== SYNC_DONE) throw new Error(`Unexpected state of the synchronous channel: ${state}`);
    return JSON.parse(text) as OpResult<SyncOps[Op]>;
  }

  heartbeat(): void {
    Atomics.add(this.#control, CONTROL_HEARTBEAT, 1);
  }

  /** Names the execution about to run user code, and sends what it must not hold back while that runs. */
  setRunningSlot(slot: number): void {
    Atomics.store(this.#control, CONTROL_RUNNING_SLOT, slot);
    const onlyStarts = this.#outbox.size > 0 && this.#outbox.size === this.#outboxStarts.length;
    // The flush stays scheduled (send did that): the starts go out when the event loop turns.
    if (!onlyStarts || !this.#announced.write(this.#outboxStarts)) this.flush();
  }
}

// One worker thread running the user's code, seen from the host: it relays the worker's syscalls
// to the database, turns its messages into function results and streamed HTTP responses, and
// notices when user code stops yielding (the heartbeat stalls) so the pool can replace it.
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type {
  ExecutionEnd,
  ExecutionLog,
  ExecutionStart,
  HostToWorker,
  LoadedProject,
  RunFunctionRequest,
  RunHttpRequest,
  WireError,
  WorkerInit,
  WorkerToHost,
} from "../shared/protocol";
import type { JSONValue } from "../store/types";
import type { AsyncCall, SyncCall } from "../shared/host-ops";
import {
  answerSyncCall,
  claimSlot,
  CONTROL_HEARTBEAT,
  CONTROL_MEMORY_BASELINE_KIB,
  CONTROL_MEMORY_BUDGET_KIB,
  CONTROL_MEMORY_IN_USE_KIB,
  CONTROL_MEMORY_LIMIT_MIB,
  CONTROL_MEMORY_OVER,
  CONTROL_BYTES,
  CONTROL_RUNNING_SLOT,
} from "../shared/sync-channel";
import { AnnouncedStarts } from "../shared/announced-starts";
import { Outbox } from "../shared/outbox";
import { outOfMemoryMessage } from "../shared/limits";
import type { WorkerBoot, WorkerStart } from "../shared/worker-boot";
import { PauseClock } from "../shared/pause-clock";
import { debuggableWorkers } from "../debug/debuggable-workers";

export interface WorkerServices {
  /** Async ops relayed from the worker. */
  call(worker: number, call: AsyncCall): Promise<unknown>;
  /** Sync ops; the worker is blocked until this returns. */
  callSync(worker: number, call: SyncCall): unknown;
  onExecutionStart(event: ExecutionStart): void;
  onExecutionLog(event: ExecutionLog): void;
  onExecutionEnd(event: ExecutionEnd): void;
  /** The worker is gone: release whatever it held. */
  onWorkerGone(worker: number): void;
}

export type FunctionOutcome = { ok: true; value: JSONValue; logLines: string[] } | FunctionFailed;
/**
 * A function's outcome as the worker sends it: the result as JSON text, parsed only by a caller
 * that needs the value (the function API writes the text into its response as it is).
 */
export type FunctionJsonOutcome = { ok: true; valueJson: string; logLines: string[] } | FunctionFailed;
type FunctionFailed = { ok: false; error: WireError; logLines: string[] };

/**
 * An HTTP action's answer as the worker sent it. A complete body (nearly every action) comes
 * with the head, so the server can write it out in one go; a streamed one arrives chunk by chunk.
 */
export type HttpAnswer =
  | { status: number; headers: Array<[string, string]>; body: Uint8Array | null }
  | { status: number; headers: Array<[string, string]>; stream: ReadableStream<Uint8Array> };

/** Registers what to do when the HTTP client goes away before its answer is complete. */
export type OnClientGone = (listener: () => void) => void;

interface HttpStream {
  resolveHead: (answer: HttpAnswer) => void;
  rejectHead: (error: WireError) => void;
  controller: ReadableStreamDefaultController<Uint8Array> | null;
  headSent: boolean;
  requestId: string;
}

export type WorkerInitData = Omit<WorkerInit, "control" | "syncBuffer">;

/** The worker's memory as its heartbeat last measured it (worker/memory-watch.ts), in bytes. */
export interface WorkerMemory {
  /** V8 heap in use plus external memory (ArrayBuffers). */
  inUse: number;
  /** Held above what the worker held once the project had loaded: charged to its executions. */
  charged: number;
  /** The sum of the limits of the executions running there. */
  budget: number;
  /** The largest limit of one of them, in MiB: the figure in the error. */
  limitMib: number;
  /** Full collections left it over budget: the host stops the worker. */
  over: boolean;
}

/** A request this worker has not taken yet: it can still go to another worker instead. */
export type UnclaimedRequest =
  | { kind: "function"; request: Omit<RunFunctionRequest, "type" | "id">; resolve: (outcome: FunctionJsonOutcome) => void }
  | {
      kind: "http";
      request: Omit<RunHttpRequest, "type" | "id">;
      onClientGone: OnClientGone | undefined;
      resolveHead: (answer: HttpAnswer) => void;
      rejectHead: (error: WireError) => void;
    };

const SYNC_BUFFER_BYTES = 4 * 1024 * 1024;
/** Each worker's V8 young generation (two semi-spaces and the new large-object space), in MiB. */
const YOUNG_GENERATION_MB = 16;

/** The worker's entry: the TypeScript source under tsx (tests), the bundled file in dist. */
function workerEntry(): string {
  const bundled = join(__dirname, "runtime-worker.js");
  if (existsSync(bundled)) return bundled;
  return join(__dirname, "..", "worker", "worker-main.ts");
}

export class UserCodeWorker {
  static #nextId = 1;
  readonly id = UserCodeWorker.#nextId++;
  readonly loaded: Promise<LoadedProject>;
  readonly #worker: Worker;
  /**
   * Runs, cancels and replies, posted together once per turn: the HTTP server parses the requests
   * of several connections in one turn, and the worker is woken once for all of them.
   */
  readonly #outbox: Outbox<HostToWorker>;
  readonly #control: Int32Array;
  readonly #syncBytes: Uint8Array;
  /** Time stopped at breakpoints: not counted against any time limit. */
  readonly #pauses: PauseClock;
  readonly #calls = new Map<number, (outcome: FunctionJsonOutcome) => void>();
  readonly #streams = new Map<number, HttpStream>();
  /** Requests posted whose answer has not started; see `withdrawUnclaimed`. */
  readonly #unclaimed = new Map<number, UnclaimedRequest>();
  /** Running executions by slot, to name the one that hangs. */
  readonly #running = new Map<number, ExecutionStart>();
  /** Starts the worker has not posted yet (see `catchUp`). */
  readonly #announced: AnnouncedStarts;
  /** Starts taken from there whose message has not arrived: that message is not a new start. */
  readonly #adopted = new Set<string>();
  /** HTTP requests whose client went away before their answer was complete: id → when. */
  readonly #abandoned = new Map<number, number>();
  #nextRequest = 1;
  #exited = false;
  #lastHeartbeat = 0;
  /** On the running clock (`#runningTime`): time at breakpoints is not a stall. */
  #lastHeartbeatAt = Date.now();
  #exitReason: WireError | null = null;
  readonly spawnedAt = Date.now();
  /** When `start` handed it a build (null while it waits as a spare). */
  startedAt: number | null = null;
  /** `startedAt` on the running clock (`#runningTime`), for the module-load limit. */
  #startedAtRunning = 0;
  /** It has imported its prewarm module (the project's `convex`). */
  prewarmed = false;
  readonly #startPort: MessagePort;
  isLoaded = false;
  /** Gets the requests this worker never started when it exits (the pool runs them elsewhere). */
  onOrphans: ((requests: UnclaimedRequest[], reason: WireError) => void) | null = null;

  /**
   * Boots a worker thread; it loads nothing until `start`. `prewarm` is a module (file URL) it
   * imports meanwhile, to have the project's `convex` loaded before the build arrives.
   */
  constructor(
    private readonly services: WorkerServices,
    { memoryLimitMb, prewarm = null }: { memoryLimitMb: number; prewarm?: string | null },
  ) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const syncBuffer = new SharedArrayBuffer(SYNC_BUFFER_BYTES);
    this.#control = new Int32Array(control);
    this.#syncBytes = new Uint8Array(syncBuffer);
    this.#pauses = new PauseClock(control);
    this.#announced = new AnnouncedStarts(control);
    const { port1, port2: startPort } = new MessageChannel();
    this.#startPort = port1;
    port1.once("message", () => (this.prewarmed = true));
    // Waiting for that must not keep the process alive.
    port1.unref();
    const entry = workerEntry();
    // Under tsx (tests, development) the worker's TypeScript source is loaded through tsx's
    // require hook; the published bundle runs the compiled file directly.
    const source = entry.endsWith(".ts") ? `require("tsx/cjs/api").register(); require(${JSON.stringify(entry)});` : entry;
    this.#worker = new Worker(source, {
      eval: entry.endsWith(".ts"),
      workerData: { control, syncBuffer, startPort, prewarm } satisfies WorkerBoot,
      transferList: [startPort],
      // The young generation would grow to 48 MiB (16 MiB semi-spaces) under load; what user code
      // allocates per request dies young either way, so a third of that only means more, equally
      // short, scavenges (bench/where-the-memory-goes.md).
      resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      stdout: false,
      stderr: false,
    });
    debuggableWorkers.add(this.#worker.threadId, this.#pauses, this.#control);
    this.#outbox = new Outbox<HostToWorker>((message, transfer) => this.#worker.postMessage(message, transfer));
    let resolveLoaded!: (project: LoadedProject) => void;
    let rejectLoaded!: (error: WireError) => void;
    this.loaded = new Promise((resolve, reject) => {
      resolveLoaded = resolve;
      rejectLoaded = reject;
    });
    this.loaded.catch(() => undefined);
    this.#worker.on("message", (message: WorkerToHost) => this.#onMessage(message, resolveLoaded, rejectLoaded));
    this.#worker.on("error", (error) => {
      // V8's heap limit (resourceLimits), the last resort behind the per-execution budget.
      if ((error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY")
        this.#exitReason ??= { message: outOfMemoryMessage(this.memory().limitMib) };
      this.#exitReason ??= { message: `The function runner crashed: ${error instanceof Error ? error.message : String(error)}` };
      rejectLoaded(this.#exitReason);
    });
    const threadId = this.#worker.threadId;
    this.#worker.on("exit", (code) => {
      this.#exited = true;
      debuggableWorkers.remove(threadId);
      // Starts it never posted still get their failed end.
      this.catchUp();
      this.#exitReason ??= { message: `The function runner exited (code ${code}) while this request was running` };
      rejectLoaded(this.#exitReason);
      // Requests still waiting in its queue never ran: they can run elsewhere.
      const orphans = this.onOrphans ? this.withdrawUnclaimed() : [];
      this.#failEverything(this.#exitReason);
      if (orphans.length > 0) this.onOrphans?.(orphans, this.#exitReason);
      this.services.onWorkerGone(this.id);
    });
  }

  /** Hands the worker the build to load; `loaded` settles when it has. Once per worker. */
  start(init: WorkerInitData): void {
    if (this.startedAt !== null) throw new Error(`worker ${this.id} already has a build`);
    this.startedAt = Date.now();
    this.#startedAtRunning = this.#runningTime(this.startedAt);
    const hostEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined) hostEnv[name] = value;
    this.#startPort.postMessage({ init, hostEnv } satisfies WorkerStart);
  }

  get exited(): boolean {
    return this.#exited;
  }

  get busy(): number {
    return this.#calls.size + this.#streams.size;
  }

  /** Counts the worker's heartbeats: it stands still while user code holds the event loop. */
  get heartbeat(): number {
    return Atomics.load(this.#control, CONTROL_HEARTBEAT);
  }

  memory(): WorkerMemory {
    const kib = (slot: number) => Atomics.load(this.#control, slot) * 1024;
    const inUse = kib(CONTROL_MEMORY_IN_USE_KIB);
    return {
      inUse,
      charged: Math.max(0, inUse - kib(CONTROL_MEMORY_BASELINE_KIB)),
      budget: kib(CONTROL_MEMORY_BUDGET_KIB),
      limitMib: Atomics.load(this.#control, CONTROL_MEMORY_LIMIT_MIB),
      over: Atomics.load(this.#control, CONTROL_MEMORY_OVER) === 1,
    };
  }

  /** How many executions run there now. */
  get runningExecutions(): number {
    return this.#running.size;
  }

  /**
   * How long a debugger has held it stopped at a breakpoint (0: it runs). Meanwhile it runs
   * nothing, and no time limit applies.
   */
  pausedFor(now = Date.now()): number {
    return this.#pauses.pausedFor(now);
  }

  /**
   * Takes the execution starts the worker has written to shared memory but not posted: it posts
   * them when its event loop turns, so user code that never yields would keep them from us. The
   * watchdog calls this every round, before it looks at what runs there.
   */
  catchUp(): void {
    const starts = this.#announced.read();
    if (!starts) return;
    for (const start of starts) {
      if (this.#adopted.has(start.execId)) continue;
      this.#adopted.add(start.execId);
      this.#started(start);
    }
  }

  #started(start: ExecutionStart): void {
    this.#running.set(start.slot, start);
    this.services.onExecutionStart(start);
  }

  /** Milliseconds since user code last let the worker's event loop turn, time at breakpoints left out. */
  stalledFor(now = Date.now()): number {
    const beat = Atomics.load(this.#control, CONTROL_HEARTBEAT);
    if (beat !== this.#lastHeartbeat) {
      this.#lastHeartbeat = beat;
      this.#lastHeartbeatAt = this.#runningTime(now);
    }
    return this.#runningTime(now) - this.#lastHeartbeatAt;
  }

  /** How long it has been loading its build (0 before `start`), time at breakpoints left out. */
  loadingFor(now = Date.now()): number {
    return this.startedAt === null ? 0 : this.#runningTime(now) - this.#startedAtRunning;
  }

  /** A clock that stands still while the worker is stopped at a breakpoint. */
  #runningTime(now: number): number {
    return now - this.#pauses.totalMs(now);
  }

  /** The execution that was running when the worker stopped yielding. */
  stalledExecution(): ExecutionStart | null {
    const named = this.#running.get(Atomics.load(this.#control, CONTROL_RUNNING_SLOT));
    if (named) return named;
    // The slot is only set at starts and around syscalls: code that resumed after another await
    // (fetch, a timer, a request body) and then loops is not named by it. Blame the running
    // execution with the longest limit, so that none is stopped before its own limit.
    let longest: ExecutionStart | null = null;
    for (const start of this.#running.values()) {
      if (!longest || (isTransactional(longest) && !isTransactional(start))) longest = start;
    }
    return longest;
  }

  /**
   * The HTTP action that has been running longest since its client went away, and for how long;
   * `alone` when nothing else runs beside it (no other execution, no other request).
   */
  abandonedRequest(now = Date.now()): { identifier: string; goneForMs: number; alone: boolean } | null {
    let oldest: { id: number; since: number } | null = null;
    for (const [id, since] of this.#abandoned) {
      // Its answer is complete (or it failed): nothing of it runs any more.
      if (!this.#streams.has(id)) this.#abandoned.delete(id);
      else if (!oldest || since < oldest.since) oldest = { id, since };
    }
    if (!oldest) return null;
    const requestIds = new Set([...this.#abandoned.keys()].map((id) => this.#streams.get(id)!.requestId));
    const requestId = this.#streams.get(oldest.id)!.requestId;
    const starts = [...this.#running.values()];
    const execution = starts.find((start) => start.requestId === requestId && start.parentId === null);
    const alone =
      this.#calls.size === 0 && this.#streams.size === this.#abandoned.size && starts.every((start) => requestIds.has(start.requestId));
    return { identifier: execution?.identifier ?? "(not started)", goneForMs: now - oldest.since, alone };
  }

  /** Nothing of ours runs there: no request waits on it, no execution is open. */
  get idle(): boolean {
    return this.busy === 0 && this.#running.size === 0;
  }

  runFunction(request: Omit<RunFunctionRequest, "type" | "id">): Promise<FunctionJsonOutcome> {
    if (this.#exited) return Promise.resolve({ ok: false, error: this.#exitReason!, logLines: [] });
    const id = this.#nextRequest++;
    return new Promise((resolve) => {
      this.#calls.set(id, resolve);
      this.#offer(id, { kind: "function", request, resolve });
      this.#outbox.push({ type: "run-function", id, ...request } satisfies RunFunctionRequest);
    });
  }

  runHttp(request: Omit<RunHttpRequest, "type" | "id">, onClientGone?: OnClientGone): Promise<HttpAnswer> {
    if (this.#exited) return Promise.reject(this.#exitReason);
    const id = this.#nextRequest++;
    return new Promise((resolveHead, rejectHead) => {
      this.#streams.set(id, { resolveHead, rejectHead, controller: null, headSent: false, requestId: request.requestId });
      this.#offer(id, { kind: "http", request, onClientGone, resolveHead, rejectHead });
      // The worker gets its own copy of the body: ours stays usable if the request moves to another worker.
      const body = request.body ? request.body.slice(0) : null;
      this.#outbox.push({ type: "run-http", id, ...request, body } satisfies RunHttpRequest, body ? [body] : []);
      onClientGone?.(() => {
        if (this.#exited || !this.#streams.has(id)) return;
        if (this.#withdraw(id)) {
          // Still waiting in the worker's queue: it never runs.
          this.#streams.delete(id);
          rejectHead({ message: "The client disconnected before its request started" });
          return;
        }
        this.#abandoned.set(id, Date.now());
        this.#outbox.push({ type: "cancel-http", id });
      });
    });
  }

  #offer(id: number, entry: UnclaimedRequest): void {
    Atomics.store(this.#control, claimSlot(id), id);
    this.#unclaimed.set(id, entry);
  }

  /**
   * Takes back the requests this worker has not started (they wait in its message queue behind
   * user code that stopped yielding), so that the pool can run them on another worker instead of
   * leaving them stuck until that code ends, up to the 1800 s action limit.
   */
  withdrawUnclaimed(): UnclaimedRequest[] {
    const withdrawn: UnclaimedRequest[] = [];
    for (const [id, entry] of this.#unclaimed) {
      if (!this.#withdraw(id)) continue;
      this.#calls.delete(id);
      this.#streams.delete(id);
      withdrawn.push(entry);
    }
    return withdrawn;
  }

  /** Takes request `id` back unless the worker has started it. */
  #withdraw(id: number): boolean {
    if (!this.#unclaimed.has(id) || Atomics.compareExchange(this.#control, claimSlot(id), id, ~id) !== id) return false;
    this.#unclaimed.delete(id);
    return true;
  }

  async terminate(reason: WireError): Promise<void> {
    this.#exitReason ??= reason;
    await this.#worker.terminate();
  }

  #onMessage(message: WorkerToHost, resolveLoaded: (p: LoadedProject) => void, rejectLoaded: (e: WireError) => void): void {
    switch (message.type) {
      case "batch":
        for (const inner of message.messages) this.#onMessage(inner, resolveLoaded, rejectLoaded);
        return;
      case "loaded":
        this.isLoaded = true;
        this.#lastHeartbeatAt = this.#runningTime(Date.now());
        resolveLoaded(message.project);
        return;
      case "load-failed":
        rejectLoaded(message.error);
        return;
      case "ending":
        this.#exitReason ??= { message: `The function runner exited (user code called ${message.call}) while this request was running` };
        return;
      case "call":
        if (message.id === 0) {
          // Only transaction ends are sent this way; ending one that a failed commit already
          // closed is not an error anyone could act on.
          this.services.call(this.id, message).catch(() => undefined);
          return;
        }
        this.services.call(this.id, message).then(
          (value) => this.#reply(message.id, { ok: true, value }),
          (error: unknown) => this.#reply(message.id, { ok: false, error: toWire(error) }),
        );
        return;
      case "sync-call":
        try {
          const value = this.services.callSync(this.id, message);
          answerSyncCall(this.#control, this.#syncBytes, true, JSON.stringify(value ?? null));
        } catch (error) {
          answerSyncCall(this.#control, this.#syncBytes, false, toWire(error).message);
        }
        return;
      case "exec-start":
        if (!this.#adopted.delete(message.execId)) this.#started(message);
        return;
      case "exec-log":
        this.services.onExecutionLog(message);
        return;
      case "exec-end":
        this.#adopted.delete(message.execId);
        for (const [slot, start] of this.#running) if (start.execId === message.execId) this.#running.delete(slot);
        this.services.onExecutionEnd(message);
        return;
      case "function-result": {
        const resolve = this.#calls.get(message.id);
        this.#calls.delete(message.id);
        this.#unclaimed.delete(message.id);
        resolve?.(
          message.ok
            ? { ok: true, valueJson: message.valueJson, logLines: message.logLines }
            : { ok: false, error: message.error, logLines: message.logLines },
        );
        return;
      }
      case "http-head": {
        this.#unclaimed.delete(message.id);
        const stream = this.#streams.get(message.id);
        if (!stream) return;
        stream.headSent = true;
        const nullBody = message.status === 204 || message.status === 304 || (message.status >= 100 && message.status < 200);
        if (message.body) {
          // The whole body came with the head: nothing more will arrive for this request.
          this.#streams.delete(message.id);
          stream.resolveHead({ status: message.status, headers: message.headers, body: nullBody ? null : message.body });
          return;
        }
        if (nullBody) {
          // No body may be sent: the chunks that still arrive have no controller and are dropped.
          stream.resolveHead({ status: message.status, headers: message.headers, body: null });
          return;
        }
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => {
            stream.controller = controller;
          },
          cancel: () => {
            // The client went away: chunks still on their way from the worker are dropped.
            stream.controller = null;
            if (!this.#exited) this.#outbox.push({ type: "cancel-http", id: message.id });
          },
        });
        stream.resolveHead({ status: message.status, headers: message.headers, stream: body });
        return;
      }
      case "http-chunk":
        try {
          this.#streams.get(message.id)?.controller?.enqueue(message.chunk);
        } catch {
          // The stream is already closed (the client went away): a throw here would end the
          // whole process, since this runs in the worker's message handler.
        }
        return;
      case "http-end": {
        const stream = this.#streams.get(message.id);
        this.#streams.delete(message.id);
        if (!stream?.controller) return;
        try {
          if (message.error) stream.controller.error(new Error(message.error));
          else stream.controller.close();
        } catch {
          // The client went away and the stream is already closed.
        }
        return;
      }
    }
  }

  #reply(id: number, answer: { ok: true; value: unknown } | { ok: false; error: WireError }): void {
    if (this.#exited) return;
    this.#outbox.push({ type: "reply", id, ...answer });
  }

  /** The worker is gone: every caller still waiting gets an error instead of hanging. */
  #failEverything(reason: WireError): void {
    this.#unclaimed.clear();
    this.#adopted.clear();
    this.#abandoned.clear();
    for (const [, resolve] of this.#calls) resolve({ ok: false, error: reason, logLines: [] });
    this.#calls.clear();
    for (const [, stream] of this.#streams) {
      if (!stream.headSent) stream.rejectHead(reason);
      else {
        try {
          stream.controller?.error(new Error(reason.message));
        } catch {
          // Already closed.
        }
      }
    }
    this.#streams.clear();
    for (const start of this.#running.values()) {
      this.services.onExecutionEnd({
        type: "exec-end",
        execId: start.execId,
        outcome: "failure",
        durationMs: Date.now() - start.startedAt,
        status: start.udfType === "httpAction" ? 500 : null,
        error: reason,
      });
    }
    this.#running.clear();
  }
}

function isTransactional(start: ExecutionStart): boolean {
  return start.udfType === "query" || start.udfType === "mutation";
}

export function toWire(error: unknown): WireError {
  if (error && typeof error === "object" && "message" in error) {
    const wire: WireError = { message: String((error as { message: unknown }).message) };
    const data = (error as { data?: JSONValue }).data;
    if (data !== undefined) wire.data = data;
    return wire;
  }
  return { message: String(error) };
}

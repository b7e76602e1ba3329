// One debugger client (Chrome DevTools, VS Code's JavaScript debugger, a test) relayed to the
// Node inspector of this process through an in-process `node:inspector` session. The client sees
// a Node process whose threads are the user-code workers only: it reaches them as any debugger
// reaches worker threads (the NodeWorker domain), while the host thread (the CLI's, or the VS Code
// extension host's, shared with every extension and with the debugger itself) answers no Debugger
// or Runtime command, so it can never be paused. Relaying also lets the host see each worker's
// `Debugger.paused`/`resumed`, which suspends its time limits (debuggable-workers.ts).
import { Session } from "node:inspector";
import { debuggableWorkers } from "./debuggable-workers";

interface ClientCommand {
  id: number;
  method: string;
  params?: Record<string, unknown>;
}

interface WorkerInfo {
  workerId: string;
  title: string;
}

/** What the host thread answers itself: enough for a debugger to carry on with the workers. */
const HOST_THREAD_ANSWERS: Record<string, object> = {
  "Debugger.enable": { debuggerId: "convex-lens-host" },
  "Debugger.setBreakpointByUrl": { breakpointId: "convex-lens-host", locations: [] },
  "Debugger.setInstrumentationBreakpoint": { breakpointId: "convex-lens-host" },
  "Debugger.getPossibleBreakpoints": { locations: [] },
};

/** Domains the client may use on the host thread itself: worker discovery and process-level calls. */
const HOST_THREAD_DOMAINS = new Set(["NodeWorker", "NodeRuntime", "NodeTracing", "Schema"]);

const PAUSE_EVENT = /^\{"method":"Debugger\.(paused|resumed)"/;
/** A debugger letting a worker run: it has set its breakpoints there (debuggable-workers.ts). */
const RUN_IF_WAITING = /"method":\s*"Runtime\.runIfWaitingForDebugger"/;

export class InspectorBridge {
  readonly #session = new Session();
  /** NodeWorker session id → thread id of the user-code workers relayed to this client. */
  readonly #workers = new Map<string, number>();
  #closed = false;
  readonly #queue: Array<() => void> = [];

  constructor(private readonly send: (text: string) => void) {
    this.#session.connect();
    this.#session.on("inspectorNotification", (message) =>
      this.#later(() => this.#onEvent(message as { method: string; params: Record<string, unknown> })),
    );
  }

  /**
   * Runs `work` from the event loop, in the order asked. The session calls back from wherever
   * the main thread is when a worker's message comes: Node delivers a worker's inspector
   * messages through a V8 interrupt, in the middle of any JavaScript (a WebSocket frame being
   * written or parsed). Writing to the client from there interleaved frames (broken UTF-8,
   * replies lost, the debugger waiting forever for an answer).
   */
  #later(work: () => void): void {
    this.#queue.push(work);
    if (this.#queue.length === 1) setImmediate(() => this.#drain());
  }

  #drain(): void {
    const queue = this.#queue.splice(0);
    for (const work of queue) work();
  }

  receive(text: string): void {
    let command: ClientCommand;
    try {
      command = JSON.parse(text) as ClientCommand;
    } catch {
      return;
    }
    if (typeof command.id !== "number" || typeof command.method !== "string") return;
    const refusal = this.#refusal(command);
    if (refusal !== null) {
      this.#later(() => this.#reply(command.id, refusal));
      return;
    }
    this.#session.post(command.method, command.params ?? {}, (error, result) => {
      this.#later(() => this.#reply(command.id, error ? { error: inspectorError(error) } : { result: result ?? {} }));
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    debuggableWorkers.clientGone(this);
    this.#session.disconnect();
  }

  /** The answer to a command that must not reach the inspector, or null to pass it on. */
  #refusal(command: ClientCommand): { result: object } | { error: { code: number; message: string } } | null {
    const [domain] = command.method.split(".", 1);
    if (command.method === "NodeWorker.sendMessageToWorker" || command.method === "NodeWorker.detach") {
      const sessionId = String(command.params?.sessionId);
      const threadId = this.#workers.get(sessionId);
      if (threadId === undefined) return { error: { code: -32602, message: `No worker session ${sessionId}` } };
      if (command.method === "NodeWorker.sendMessageToWorker" && RUN_IF_WAITING.test(String(command.params?.message)))
        debuggableWorkers.configured(threadId, this);
      return null;
    }
    if (HOST_THREAD_DOMAINS.has(domain!) || command.method === "Runtime.runIfWaitingForDebugger") return null;
    const answer = HOST_THREAD_ANSWERS[command.method];
    if (answer) return { result: answer };
    if (
      command.method === "Runtime.evaluate" ||
      command.method === "Runtime.callFunctionOn" ||
      command.method === "Runtime.compileScript"
    ) {
      return {
        error: { code: -32000, message: "Convex Lens's own thread cannot be inspected: your functions run in its worker threads." },
      };
    }
    return { result: {} };
  }

  #onEvent(message: { method: string; params: Record<string, unknown> }): void {
    if (this.#closed) return;
    const { method, params } = message;
    if (method === "NodeWorker.attachedToWorker") {
      const info = params.workerInfo as WorkerInfo;
      const threadId = threadIdOf(info);
      const sessionId = String(params.sessionId);
      if (threadId === null || !debuggableWorkers.has(threadId)) {
        this.#letGo(sessionId, params.waitingForDebugger === true);
        return;
      }
      this.#workers.set(sessionId, threadId);
      debuggableWorkers.attached(threadId, this);
      const workerInfo = { ...info, title: `Convex functions [worker ${threadId}]` };
      this.send(JSON.stringify({ method, params: { ...params, workerInfo } }));
      return;
    }
    if (method === "NodeWorker.receivedMessageFromWorker" || method === "NodeWorker.detachedFromWorker") {
      const sessionId = String(params.sessionId);
      const threadId = this.#workers.get(sessionId);
      if (threadId === undefined) return;
      if (method === "NodeWorker.detachedFromWorker") {
        this.#workers.delete(sessionId);
        debuggableWorkers.detached(threadId, this);
      } else {
        const pause = PAUSE_EVENT.exec(params.message as string);
        if (pause?.[1] === "paused") debuggableWorkers.paused(threadId, this);
        else if (pause) debuggableWorkers.resumed(threadId, this);
      }
    }
    if (method.startsWith("NodeWorker.") || method.startsWith("NodeRuntime.") || method.startsWith("NodeTracing.")) {
      this.send(JSON.stringify(message));
    }
  }

  /** A thread that is not user code (another extension's worker): released and left alone. */
  #letGo(sessionId: string, waiting: boolean): void {
    const detach = () => this.#session.post("NodeWorker.detach", { sessionId }, () => undefined);
    if (!waiting) {
      detach();
      return;
    }
    const message = JSON.stringify({ id: 1, method: "Runtime.runIfWaitingForDebugger" });
    this.#session.post("NodeWorker.sendMessageToWorker", { sessionId, message }, detach);
  }

  #reply(id: number, body: object): void {
    if (!this.#closed) this.send(JSON.stringify({ id, ...body }));
  }
}

/**
 * The thread id of a worker the inspector lists. Its `workerId` is the inspector's own counter;
 * the title is Node's "[worker <threadId>]", followed by the worker's name from Node 22 on
 * ("[worker 3] WorkerThread" in the Node 24 of VS Code's extension host).
 */
export function threadIdOf(info: WorkerInfo): number | null {
  const match = /^\[worker (\d+)\]( |$)/.exec(info.title);
  return match ? Number(match[1]) : null;
}

/** node:inspector's "Inspector error -32601: 'X' wasn't found" back into a protocol error. */
function inspectorError(error: Error): { code: number; message: string } {
  const parsed = /^Inspector error (-?\d+): ([\s\S]*)$/.exec(error.message);
  return parsed ? { code: Number(parsed[1]), message: parsed[2]! } : { code: -32000, message: error.message };
}

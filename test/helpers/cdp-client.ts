// A debugger client for tests: speaks the inspector protocol over Convex Lens's `--inspect`
// WebSocket, reaches the user-code workers through the NodeWorker domain as Chrome DevTools and
// VS Code do, and finds breakpoint positions through the bundles' source maps.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { WebSocket } from "ws";

type Params = Record<string, unknown>;
interface Event {
  method: string;
  params: Params;
}
interface Message {
  id?: number;
  result?: Params;
  error?: { message: string };
  method?: string;
  params?: Params;
}

/** Commands sent and not answered yet: the process's session and each worker's keep their own. */
class PendingCommands {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (result: Params) => void; reject: (error: Error) => void }>();

  /** A new command id, and the answer to it; `post` sends the command. */
  send(post: (id: number) => void): Promise<Params> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        post(id);
      } catch (error) {
        this.#pending.delete(id);
        reject(error as Error);
      }
    });
  }

  /** Settles the command the message answers; false for an event. */
  settle(message: Message): boolean {
    if (message.id === undefined) return false;
    const pending = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    if (message.error) pending?.reject(new Error(message.error.message));
    else pending?.resolve(message.result ?? {});
    return true;
  }

  failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

/** One worker thread, driven through `NodeWorker.sendMessageToWorker`. */
export class WorkerSession {
  readonly #pending = new PendingCommands();
  readonly events: Event[] = [];
  readonly #waiters = new Set<() => void>();
  /** Sees each event as it arrives. */
  onEvent: (event: Event) => void = () => undefined;

  constructor(
    readonly client: CdpClient,
    readonly sessionId: string,
    readonly threadId: number,
    readonly title: string,
  ) {}

  send(method: string, params: Params = {}): Promise<Params> {
    return this.#pending.send((id) => {
      const message = JSON.stringify({ id, method, params });
      this.client.send("NodeWorker.sendMessageToWorker", { sessionId: this.sessionId, message }).catch((error: Error) => {
        this.#pending.settle({ id, error: { message: error.message } });
      });
    });
  }

  receive(text: string): void {
    const message = JSON.parse(text) as Message;
    if (this.#pending.settle(message)) return;
    const event = { method: message.method!, params: message.params ?? {} };
    this.events.push(event);
    this.onEvent(event);
    for (const wake of this.#waiters) wake();
  }

  /** The worker is gone (it exited, or was detached): what it never answered fails. */
  detached(): void {
    this.#pending.failAll(new Error(`worker ${this.threadId} is gone`));
  }

  /** The first event (from `from` on) that matches. */
  waitFor(method: string, predicate: (params: Params) => boolean = () => true, from = 0): Promise<Params> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.events.slice(from).find((event) => event.method === method && predicate(event.params));
        if (!found) return;
        this.#waiters.delete(check);
        resolve(found.params);
      };
      this.#waiters.add(check);
      check();
    });
  }
}

export class CdpClient {
  readonly #pending = new PendingCommands();
  readonly workers = new Map<string, WorkerSession>();
  /** Called for each worker attached (the place to set breakpoints before it runs). */
  onWorker: (worker: WorkerSession, waiting: boolean) => void = () => undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => this.#receive(String(data)));
  }

  static connect(url: string): Promise<CdpClient> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new CdpClient(socket)));
      socket.once("error", reject);
    });
  }

  send(method: string, params: Params = {}): Promise<Params> {
    return this.#pending.send((id) => this.socket.send(JSON.stringify({ id, method, params })));
  }

  close(): void {
    this.socket.close();
  }

  #receive(text: string): void {
    const message = JSON.parse(text) as Message;
    if (this.#pending.settle(message)) return;
    const params = message.params ?? {};
    if (message.method === "NodeWorker.attachedToWorker") {
      const info = params.workerInfo as { workerId: string; title: string };
      const worker = new WorkerSession(this, String(params.sessionId), Number(/\d+/.exec(info.title)![0]), info.title);
      this.workers.set(worker.sessionId, worker);
      this.onWorker(worker, params.waitingForDebugger === true);
    } else if (message.method === "NodeWorker.receivedMessageFromWorker") {
      this.workers.get(String(params.sessionId))?.receive(String(params.message));
    } else if (message.method === "NodeWorker.detachedFromWorker") {
      this.workers.get(String(params.sessionId))?.detached();
      this.workers.delete(String(params.sessionId));
    }
  }
}

/** A script as `Debugger.scriptParsed` describes it. */
export interface ParsedScript {
  url: string;
  sourceMapURL?: string;
}

/** The source map of a bundle the worker loaded (linked maps sit next to the bundle). */
export function sourceMapOf(script: ParsedScript): SourceMap {
  const bundle = fileURLToPath(script.url);
  return new SourceMap(JSON.parse(readFileSync(join(dirname(bundle), script.sourceMapURL!), "utf8")));
}

/** Where line `line` (1-based) of the source file ending in `source` starts in the bundle (0-based). */
export function generatedPosition(script: ParsedScript, source: string, line: number): { lineNumber: number; columnNumber: number } {
  const map = sourceMapOf(script);
  if (!map.payload.sources.some((path) => path.endsWith(source))) throw new Error(`${script.url} has no code of ${source}`);
  const lines = readFileSync(fileURLToPath(script.url), "utf8").split("\n");
  for (let l = 0; l < lines.length; l++) {
    for (let c = 0; c < lines[l]!.length; c++) {
      const entry = map.findEntry(l, c) as {
        generatedLine?: number;
        generatedColumn?: number;
        originalSource?: string;
        originalLine?: number;
      };
      if (entry.generatedLine === l && entry.originalSource?.endsWith(source) && entry.originalLine === line - 1) {
        return { lineNumber: l, columnNumber: entry.generatedColumn! };
      }
    }
  }
  throw new Error(`no code of ${source}:${line} in ${script.url}`);
}

/** The source file and 1-based line a bundle position comes from. */
export function originalPosition(script: ParsedScript, lineNumber: number, columnNumber: number): string {
  const entry = sourceMapOf(script).findEntry(lineNumber, columnNumber) as { originalSource: string; originalLine: number };
  return `${entry.originalSource}:${entry.originalLine + 1}`;
}

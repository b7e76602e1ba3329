// What a debugger does with each worker thread it attaches to, as VS Code's JavaScript debugger
// does: enable the debugger, bind breakpoints given by source file and line through the bundles'
// source maps (in scripts already loaded, and in scripts about to run, stopped for it by an
// instrumentation breakpoint), then let the worker run.
import { CdpClient, generatedPosition, type ParsedScript, type WorkerSession } from "../helpers/cdp-client";

export interface SourceBreakpoint {
  /** The end of the source path, e.g. "convex/http.ts". */
  source: string;
  line: number;
}

export interface Pause {
  worker: WorkerSession;
  params: Record<string, unknown>;
  /** The scripts the worker has parsed, by id. */
  scripts: Map<string, ParsedScript>;
}

export class DebugSession {
  readonly #pauses: Pause[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #scripts = new Map<WorkerSession, Map<string, ParsedScript>>();
  /** Breakpoints by bundle URL and position, found so far: set in every worker that comes. */
  readonly #byUrl = new Map<string, { url: string; lineNumber: number; columnNumber: number }>();

  private constructor(
    readonly client: CdpClient,
    /** Bound in the scripts loaded from now on (an editor moves a breakpoint along with an edit). */
    public breakpoints: SourceBreakpoint[],
    private readonly followNewBuilds: boolean,
  ) {}

  /**
   * `followNewBuilds`: stop each worker before every script with a source map runs (an
   * instrumentation breakpoint, as VS Code does) to bind breakpoints in bundles never seen (a
   * reload's). Without it, breakpoints bind in the bundles loaded now, by URL, in every worker.
   */
  static async attach(webSocketUrl: string, breakpoints: SourceBreakpoint[], { followNewBuilds = false } = {}): Promise<DebugSession> {
    const client = await CdpClient.connect(webSocketUrl);
    const session = new DebugSession(client, breakpoints, followNewBuilds);
    const prepared: Array<Promise<void>> = [];
    // A worker may exit while it is prepared (a spare thrown away): nothing to debug there.
    client.onWorker = (worker, waiting) => prepared.push(session.#prepare(worker, waiting).catch(() => undefined));
    await client.send("NodeWorker.enable", { waitForDebuggerOnStart: true });
    // The workers running now are listed before the answer: their breakpoints are bound on return.
    await Promise.all(prepared);
    return session;
  }

  /** The next time a worker stops at a breakpoint (not the instrumentation stops). */
  nextPause(): Promise<Pause> {
    const from = this.#pauses.length;
    return new Promise((resolve) => {
      const check = () => {
        const pause = this.#pauses[from];
        if (!pause) return;
        this.#waiters.delete(check);
        resolve(pause);
      };
      this.#waiters.add(check);
      check();
    });
  }

  close(): void {
    this.client.close();
  }

  async #prepare(worker: WorkerSession, waiting: boolean): Promise<void> {
    const scripts = new Map<string, ParsedScript>();
    this.#scripts.set(worker, scripts);
    const bound = new Map<string, Promise<void>>();
    worker.onEvent = ({ method, params }) => {
      if (method === "Debugger.scriptParsed") {
        const script = { url: String(params.url), sourceMapURL: params.sourceMapURL as string | undefined };
        scripts.set(String(params.scriptId), script);
        if (script.sourceMapURL && script.url.startsWith("file:"))
          bound.set(
            String(params.scriptId),
            // The worker may be gone before its breakpoints are set.
            this.#bind(script).catch(() => undefined),
          );
      } else if (method === "Debugger.paused") {
        if (params.reason === "instrumentation") {
          const scriptId = String((params.data as { scriptId: string }).scriptId);
          // The worker may be gone by then (a reload, the end of the test).
          void (bound.get(scriptId) ?? Promise.resolve()).then(() => worker.send("Debugger.resume")).catch(() => undefined);
          return;
        }
        this.#pauses.push({ worker, params, scripts });
        for (const wake of this.#waiters) wake();
      }
    };
    await worker.send("Debugger.enable");
    await worker.send("Runtime.enable");
    if (this.followNewBuilds) {
      await worker.send("Debugger.setInstrumentationBreakpoint", { instrumentation: "beforeScriptWithSourceMapExecution" });
    }
    // The scripts it had loaded were reported before Debugger.enable answered.
    await Promise.all(bound.values());
    for (const location of this.#byUrl.values()) await worker.send("Debugger.setBreakpointByUrl", location);
    if (waiting) await worker.send("Runtime.runIfWaitingForDebugger");
  }

  async #bind(script: ParsedScript): Promise<void> {
    for (const breakpoint of this.breakpoints) {
      let position: { lineNumber: number; columnNumber: number };
      try {
        position = generatedPosition(script, breakpoint.source, breakpoint.line);
      } catch {
        continue; // Not a bundle of that source.
      }
      const location = { url: script.url, ...position };
      const key = JSON.stringify(location);
      if (this.#byUrl.has(key)) continue;
      this.#byUrl.set(key, location);
      // Where it was found now; the workers prepared later get it on their way in.
      for (const other of this.client.workers.values()) await other.send("Debugger.setBreakpointByUrl", location).catch(() => undefined);
    }
  }
}

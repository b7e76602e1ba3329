// The embedded Convex runtime: builds the project, runs its code in a worker pool, keeps the data
// in sql.js, and answers HTTP actions and function calls. The CLI and the extension both drive it.
import { EventEmitter } from "node:events";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { buildProject, newBuildDir, pruneAbandonedBuilds, type BuildMessage } from "../loader/index";
import { Store } from "../store/sqlite-store";
import { LogStore } from "../logs/log-store";
import type { Caller, LoadedProject, WireError } from "../shared/protocol";
import { DEFAULT_ACTION_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS } from "../shared/limits";
import type { JSONValue, SchemaInfo } from "../store/types";
import { DatabaseOps } from "./database-ops";
import { ExecutionEvents } from "./execution-events";
import { HostServices } from "./host-services";
import { TransactionTable } from "./transactions";
import { loadErrorMessage } from "./load-error-location";
import { schemaIndexProblem } from "./schema-check";
import { lockDataDir } from "./data-dir-lock";
import { WorkerPool } from "./worker-pool";
import { WorkerSupply } from "./worker-supply";
import { bearerTokenOf } from "../shared/bearer-token";
import type { FunctionOutcome, HttpAnswer, OnClientGone, UserCodeWorker } from "./user-code-worker";
import type { StorePort } from "./store-port";

export interface RuntimeOptions {
  projectDir: string;
  /** Where the database, logs and builds live. Default `<project>/.convex-lens`. */
  dataDir?: string;
  /** Extra deployment env vars (from --env-file). */
  env?: Record<string, string>;
  siteUrl: string;
  cloudUrl: string;
  queryTimeoutMs?: number;
  actionTimeoutMs?: number;
  /** Wall-clock bound of a query or mutation including its waits; default 15 s as in Convex. */
  systemTimeoutMs?: number;
  memoryLimitMb?: number;
  /** Log lines kept in the log store (oldest pruned first). Default 100000. */
  logRetention?: number;
}

export type RuntimeState =
  | { kind: "starting" }
  | { kind: "ready"; project: LoadedProject; buildMs: number }
  | { kind: "build-failed"; errors: BuildMessage[]; serving: boolean }
  | { kind: "stopped" };

export interface RunFunctionOptions {
  udfType?: "query" | "mutation" | "action";
  publicOnly?: boolean;
  authToken?: string | null;
  caller?: Caller;
  requestId?: string;
  /** The `_scheduled_functions` id when a scheduled job runs (getRequestMetadata reports it). */
  scheduledFunctionId?: string | null;
}

/** Random bytes are drawn in blocks: one system call per request id showed in profiles. */
const REQUEST_ID_BYTES = 8;
let idPool = Buffer.alloc(0);
let idOffset = 0;

/** 16 hex digits, like the backend's request ids. */
export function newRequestId(): string {
  if (idOffset + REQUEST_ID_BYTES > idPool.length) {
    idPool = randomBytes(REQUEST_ID_BYTES * 512);
    idOffset = 0;
  }
  const id = idPool.toString("hex", idOffset, idOffset + REQUEST_ID_BYTES);
  idOffset += REQUEST_ID_BYTES;
  return id;
}

/** The Authorization header as user code sees it: a repeated header is one value joined by ", ". */
function authorizationOf(headers: Array<[string, string]>): string | null {
  let authorization: string | null = null;
  for (const [name, value] of headers) {
    if (name.length !== 13 || name.toLowerCase() !== "authorization") continue;
    authorization = authorization === null ? value : `${authorization}, ${value}`;
  }
  return authorization;
}

export class Runtime extends EventEmitter {
  readonly events = new ExecutionEvents();
  readonly dataDir: string;
  state: RuntimeState = { kind: "starting" };
  #pool: WorkerPool | null = null;
  #project: LoadedProject | null = null;
  #buildDir: string | null = null;
  #ownBuilds: string[] = [];
  #reloading: Promise<void> | null = null;
  #lastBuildStartedAt: number | null = null;
  #reloadAgain = false;
  /** Starts every worker; keeps a spare booted for the next reload. */
  readonly #supply: WorkerSupply;
  /** Open transactions by id: op handlers use it to write inside the calling mutation. */
  readonly transactions = new TransactionTable();
  /** Database calls from workers; `onCommit`/`onAbort` tell when a transaction ended. */
  readonly databaseOps: DatabaseOps;
  /** Every call a worker makes lands here; modules add op handlers and the identity resolver. */
  readonly services: HostServices;
  /** Notices emitted while nobody listened (during the first load, before the CLI or the extension subscribes). */
  #unheardNotices: string[] = [];
  #toldBundledConvex = false;
  #unlockDataDir: () => void = () => undefined;

  private constructor(
    readonly options: RuntimeOptions,
    readonly store: StorePort & Store,
    readonly logs: LogStore,
  ) {
    super();
    this.dataDir = options.dataDir ?? join(options.projectDir, ".convex-lens");
    this.databaseOps = new DatabaseOps(store, this.transactions);
    this.services = new HostServices(this.databaseOps, this.transactions, this.events);
    this.#supply = new WorkerSupply(this.services, { projectDir: options.projectDir, memoryLimitMb: options.memoryLimitMb ?? 2048 });
    // startServing loads the project before its caller can subscribe: what the first load had to
    // say (a broken auth.config.ts, a missing `convex` package) goes to the first "notice" listener.
    this.on("newListener", (event: string | symbol, listener: (text: string) => void) => {
      if (event !== "notice" || this.#unheardNotices.length === 0) return;
      const texts = this.#unheardNotices.splice(0);
      queueMicrotask(() => {
        for (const text of texts) listener(text);
      });
    });
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === "notice" && this.listenerCount("notice") === 0) {
      this.#unheardNotices.push(String(args[0]));
      if (this.#unheardNotices.length > 50) this.#unheardNotices.shift();
      return false;
    }
    return super.emit(event, ...args);
  }

  static async open(options: RuntimeOptions): Promise<Runtime> {
    const dataDir = options.dataDir ?? join(options.projectDir, ".convex-lens");
    mkdirSync(dataDir, { recursive: true });
    const unlock = lockDataDir(dataDir);
    let store: Store | null = null;
    try {
      try {
        pruneAbandonedBuilds(options.projectDir);
      } catch {
        // Housekeeping only: a folder that cannot be removed now is tried again next start.
      }
      store = await Store.open({ file: join(dataDir, "data.sqlite") });
      const logs = await LogStore.open({ file: join(dataDir, "logs.sqlite"), retention: options.logRetention });
      const runtime = new Runtime(options, store as StorePort & Store, logs);
      runtime.#unlockDataDir = unlock;
      runtime.#recordExecutions();
      return runtime;
    } catch (error) {
      await store?.close();
      unlock();
      throw error;
    }
  }

  get project(): LoadedProject | null {
    return this.#project;
  }

  /**
   * When the latest build started reading the project (ms since the epoch), or null before the
   * first: a file watcher started later treats files modified after it as unsaved changes.
   */
  get lastBuildStartedAt(): number | null {
    return this.#lastBuildStartedAt;
  }

  /** Builds and loads the project; on failure the previous build keeps serving. */
  reload(): Promise<void> {
    if (this.#reloading !== null) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      do {
        this.#reloadAgain = false;
        await this.#reloadOnce();
      } while (this.#reloadAgain);
    })().finally(() => {
      this.#reloading = null;
      // The next reload's worker boots in the background. Measured (bench figure 5, 2 cores), booting
      // it at once does not slow the first requests on the new code any more than waiting 100 ms.
      setImmediate(() => {
        if (!this.#reloading) this.#supply.warm(this.#buildDir);
      }).unref();
    });
    return this.#reloading;
  }

  async #reloadOnce(): Promise<void> {
    const started = performance.now();
    this.#lastBuildStartedAt = Date.now();
    const { outDir } = newBuildDir(this.options.projectDir);
    this.#ownBuilds.push(outDir);
    // Without a spare (the first load, or it died), one boots while esbuild builds.
    this.#supply.warm(this.#buildDir);
    const build = await buildProject({ projectDir: this.options.projectDir, outDir });
    if (this.#stopped()) {
      this.#pruneOwnBuilds();
      return;
    }
    if (build.ok && build.convexSource === "bundled" && !this.#toldBundledConvex) {
      this.#toldBundledConvex = true;
      this.emit(
        "notice",
        `The project has no \`convex\` package installed (no node_modules/convex in ${this.options.projectDir} or a folder above it), ` +
          `so its functions run with Convex Lens's own convex ${build.convexVersion}. Run \`npm install convex\` in the project to use the version it is meant for.`,
      );
    }
    if (!build.ok) {
      this.#pruneOwnBuilds();
      this.state = { kind: "build-failed", errors: build.errors, serving: this.#pool !== null };
      this.emit("state", this.state);
      return;
    }
    const pool = new WorkerPool(
      {
        modules: build.modules,
        httpModule: build.httpModule,
        schemaFile: build.schemaFile,
        authConfigFile: build.authConfigFile,
        functionsDir: build.functionsDir,
        projectDir: this.options.projectDir,
        env: { ...this.options.env, CONVEX_SITE_URL: this.options.siteUrl, CONVEX_CLOUD_URL: this.options.cloudUrl },
        queryTimeoutMs: this.options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
        ...(this.options.systemTimeoutMs !== undefined ? { systemTimeoutMs: this.options.systemTimeoutMs } : {}),
      },
      this.#supply,
      {
        queryTimeoutMs: this.options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
        actionTimeoutMs: this.options.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
        replaceAfterMs: 250,
        onNotice: (text) => this.emit("notice", text),
      },
    );
    let project: LoadedProject;
    try {
      project = await pool.loaded;
      if (project.loadErrors.length > 0) {
        const errors = project.loadErrors.map((e) => loadErrorMessage(build.functionsDir, join(build.functionsDir, e.module), `Failed to load ${e.module}: ${e.message}`, this.options.projectDir));
        throw { message: errors.map((e) => e.text).join("\n"), errors };
      }
      await this.#applySchema(project.schemaJson ? (JSON.parse(project.schemaJson) as SchemaInfo) : null, build.functionsDir);
    } catch (error) {
      await pool.dispose();
      this.#pruneOwnBuilds();
      const wire = error as WireError & { errors?: BuildMessage[] };
      const httpFile = build.httpModule ? join(build.functionsDir, build.httpModule) : build.functionsDir;
      this.state = {
        kind: "build-failed",
        errors: wire.errors ?? [loadErrorMessage(build.functionsDir, httpFile, wire.stack ?? wire.message, this.options.projectDir)],
        serving: this.#pool !== null,
      };
      this.emit("state", this.state);
      return;
    }
    if (this.#stopped()) {
      // close() ran while this build loaded: nothing may keep running after it.
      await pool.dispose({ message: "The runtime stopped" });
      this.#pruneOwnBuilds();
      return;
    }
    const previous = this.#pool;
    this.#pool = pool;
    this.#project = project;
    this.#buildDir = build.outDir;
    this.state = { kind: "ready", project, buildMs: Math.round(performance.now() - started) };
    // Modules that depend on the loaded code (auth config, scheduled jobs) update before "state".
    this.emit("loaded", project);
    this.emit("state", this.state);
    if (previous) void this.#drain(previous).then(() => this.#pruneOwnBuilds());
  }

  /** close() has run (a reload in flight sees it only after its awaits). */
  #stopped(): boolean {
    return this.state.kind === "stopped";
  }

  /** Checks the schema as the backend does on push, then applies it; a refusal names schema.ts. */
  async #applySchema(schema: SchemaInfo | null, functionsDir: string): Promise<void> {
    try {
      const problem = schema ? schemaIndexProblem(schema) : null;
      if (problem !== null) throw new Error(problem);
      await this.store.setSchema(schema);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      const file = ["schema.ts", "schema.js"].map((name) => join(functionsDir, name)).find((f) => existsSync(f)) ?? functionsDir;
      throw { message: text, errors: [{ file, line: 1, column: 1, text }] };
    }
  }

  /**
   * Deletes the build folders this runtime made, but the one serving. Only our own: another
   * runtime (the CLI beside the extension, a parallel test) may be serving from the same project.
   */
  #pruneOwnBuilds(): void {
    const keep = this.#buildDir;
    this.#ownBuilds = this.#ownBuilds.filter((dir) => {
      if (dir === keep) return true;
      rmSync(dir, { recursive: true, force: true });
      return false;
    });
  }

  /** Lets in-flight work of a replaced pool finish (bounded), then stops it. */
  async #drain(pool: WorkerPool): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!pool.idle && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await pool.dispose();
  }

  async runFunction(name: string, args: JSONValue, options: RunFunctionOptions = {}): Promise<FunctionOutcome> {
    const worker = await this.#worker();
    return worker.runFunction({
      name,
      udfType: options.udfType ?? this.#project?.functions.find((f) => f.name === name)?.udfType ?? "query",
      args,
      requestId: options.requestId ?? newRequestId(),
      caller: options.caller ?? "api",
      publicOnly: options.publicOnly ?? false,
      authToken: options.authToken ?? null,
      scheduledFunctionId: options.scheduledFunctionId ?? null,
    });
  }

  /** Runs an HTTP action request. The caller has already read and size-checked the body. */
  async runHttp(request: {
    method: string;
    url: string;
    headers: Array<[string, string]>;
    body: ArrayBuffer | null;
    requestId: string;
    ip: string | null;
    onClientGone?: OnClientGone;
  }): Promise<HttpAnswer> {
    const worker = await this.#worker();
    const token = bearerTokenOf(authorizationOf(request.headers));
    return worker.runHttp(
      {
        requestId: request.requestId,
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body,
        authToken: token,
        ip: request.ip,
      },
      request.onClientGone,
    );
  }

  /** The worker serving now and the spare the next reload will start on (tests, diagnostics). */
  get workers(): { serving: UserCodeWorker | null; spare: UserCodeWorker | null } {
    return { serving: this.#pool?.primary ?? null, spare: this.#supply.spare };
  }

  get hasHttp(): boolean {
    return this.#project?.hasHttp ?? false;
  }

  get ready(): boolean {
    return this.#pool !== null;
  }

  /** The worker to run on now, once it has loaded the project. */
  async #worker() {
    const worker = this.#requirePool().current();
    await worker.loaded;
    return worker;
  }

  #requirePool(): WorkerPool {
    if (!this.#pool) {
      const reason =
        this.state.kind === "build-failed"
          ? `the project does not build yet:\n${this.state.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.text}`).join("\n")}`
          : "the project is not loaded yet";
      throw new Error(`Convex Lens cannot run functions: ${reason}`);
    }
    return this.#pool;
  }

  #recordExecutions(): void {
    this.events.listen({
      onStart: (start) => this.logs.recordExecution(start),
      onLog: (log) => this.logs.appendLines(log.execId, log.requestId, [log.line]),
      onEnd: (end) => this.logs.finishExecution(end),
    });
  }

  async close(): Promise<void> {
    this.state = { kind: "stopped" };
    await Promise.all([this.#pool?.dispose({ message: "The runtime stopped" }), this.#supply.close()]);
    this.#pool = null;
    this.#buildDir = null;
    this.#pruneOwnBuilds();
    try {
      await this.store.close();
      await this.logs.close();
    } finally {
      this.#unlockDataDir();
    }
    this.emit("state", this.state);
  }
}

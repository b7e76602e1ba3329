// The embedded Convex runtime: builds the project, runs its code in a worker pool, keeps the data
// in sql.js, and answers HTTP actions and function calls. The CLI and the extension both drive it.
import { EventEmitter, once } from "node:events";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { pruneAbandonedBuilds, type BuildMessage } from "../loader/index";
import { Store } from "../store/sqlite-store";
import { LogStore, type ExecutionCause } from "../logs/log-store";
import type { Caller, ComponentInit, LoadedComponent, LoadedProject, WireError } from "../shared/protocol";
import type { ComponentInstanceBuild } from "../loader/index";
import { mergeComponentSchemas, type ComponentSchema } from "../store/component-schemas";
import { ComponentEnvError, componentInits } from "./component-inits";
import { FunctionHandles } from "./function-handles";
import { DEFAULT_ACTION_TIMEOUT_MS, DEFAULT_CLIENT_GONE_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS } from "../shared/limits";
import type { JSONValue, SchemaInfo } from "../store/types";
import { DatabaseOps } from "./database-ops";
import { ExecutionEvents } from "./execution-events";
import { HostServices } from "./host-services";
import { TransactionTable } from "./transactions";
import { loadErrorMessage } from "./load-error-location";
import { schemaIndexProblem } from "./schema-check";
import { lockAndSettle } from "./data-folder-swap";
import { PersistenceHealth, watchLogStore, type PersistenceEvent } from "./persistence-health";
import { WorkerPool } from "./worker-pool";
import { LOAD_WAIT_MS, NotServingError } from "./not-serving";
import type { WorkerSupply } from "./worker-supply";
import { beginEarlyStart, startBuild, type EarlyStart, type StartedBuild } from "./early-start";
import { bearerTokenOf } from "../shared/bearer-token";
import type { FunctionJsonOutcome, FunctionOutcome, HttpAnswer, OnClientGone, UserCodeWorker } from "./user-code-worker";
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
  /**
   * V8 heap cap of each worker thread, MiB (default 1024, twice Convex's largest limit per execution):
   * the last resort behind Convex's memory limit per execution, which the worker measures itself
   * (worker/memory-watch.ts). V8 also sizes its heap growth by it: with a cap of 2 GiB or more it
   * lets the old generation grow to four times its live data between collections, with 1 GiB to
   * about 1.6 times (bench/where-the-memory-goes.md).
   */
  memoryLimitMb?: number;
  /** An HTTP action still running this long after its client disconnected is stopped. Default 30 s. */
  clientGoneTimeoutMs?: number;
  /** Log lines kept in the log store (oldest pruned first). Default 100000. */
  logRetention?: number;
}

export type RuntimeState =
  | { kind: "starting" }
  | { kind: "ready"; project: LoadedProject; buildMs: number }
  | { kind: "build-failed"; errors: BuildMessage[]; serving: boolean }
  | { kind: "stopped" };

/** What the runtime tells its listeners, by event: the arguments each listener gets. */
export interface RuntimeEvents {
  /** Something the user should know that belongs to no request (startServing prints it). */
  notice: [text: string];
  state: [state: RuntimeState];
  /** A build was loaded, just before its "state": modules that depend on the loaded code update. */
  loaded: [project: LoadedProject];
  /** Saving a file of the data folder started failing, or works again. */
  persistence: [event: PersistenceEvent];
}

export type RuntimeListener<Event extends keyof RuntimeEvents> = (...args: RuntimeEvents[Event]) => void;

/** Notices kept while nobody listens, for the first listener. */
const UNHEARD_NOTICES_KEPT = 50;

export interface RunFunctionOptions {
  /** The component install the function belongs to; default "" (the app). */
  componentPath?: string;
  udfType?: "query" | "mutation" | "action";
  publicOnly?: boolean;
  authToken?: string | null;
  caller?: Caller;
  requestId?: string;
  /** The `_scheduled_functions` id when a scheduled job runs (getRequestMetadata reports it). */
  scheduledFunctionId?: string | null;
  /** Why it runs, recorded with its execution for the logs panel (a subscribed query's run). */
  cause?: ExecutionCause;
}

/**
 * Whether `work` settles (either way), or `stop` does, within `ms`. The timer does not keep the
 * process alive.
 */
async function settlesWithin(work: Promise<unknown>, stop: Promise<void>, ms: number): Promise<boolean> {
  if (ms <= 0) return false;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      stop.then(() => true),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a request still running on user code is told when the runtime stops. */
const STOPPED_UNDER_REQUEST = { message: "Convex Lens stopped while this request was running." };

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

export class Runtime {
  /** Only the runtime emits its events (`#emit`); features tell notices through `notice()`. */
  readonly #emitter = new EventEmitter();
  readonly events = new ExecutionEvents();
  /** Why the functions running now run, by request id, for those that say (RunFunctionOptions.cause). */
  readonly #causes = new Map<string, ExecutionCause>();
  readonly dataDir: string;
  state: RuntimeState = { kind: "starting" };
  #pool: WorkerPool | null = null;
  #project: LoadedProject | null = null;
  #buildDir: string | null = null;
  #ownBuilds: string[] = [];
  #reloading: Promise<void> | null = null;
  #lastBuildStartedAt: number | null = null;
  #reloadAgain = false;
  /** Pools replaced by a reload that still finish the requests they had, with their build folders. */
  readonly #draining = new Map<WorkerPool, string | null>();
  /** The build folder of the reload in progress: a pruning meanwhile must leave it. */
  #loadingBuildDir: string | null = null;
  /** Settles when close() starts: requests waiting for a load stop waiting. */
  readonly #stopping: Promise<void>;
  #stop: () => void = () => undefined;
  /** Starts every worker; keeps a spare booted for the next reload. */
  readonly #supply: WorkerSupply;
  /** Begun before the stores opened (early-start.ts); the first reload takes it. */
  #firstBuild: StartedBuild | null;
  /** Open transactions by id: op handlers use it to write inside the calling mutation. */
  readonly transactions = new TransactionTable();
  /** Database calls from workers; `onCommit`/`onAbort` tell when a transaction ended. */
  readonly databaseOps: DatabaseOps;
  /** Every call a worker makes lands here; modules add op handlers and the identity resolver. */
  readonly services: HostServices;
  /** `function://…` handles for every function of every install (createFunctionHandle). */
  readonly handles: FunctionHandles;
  /** Notices told while nobody listened (a runtime served without a log, before its caller subscribes). */
  #unheardNotices: string[] = [];
  #toldBundledConvex = false;
  #unlockDataDir: () => void = () => undefined;

  private constructor(
    readonly options: RuntimeOptions,
    readonly store: StorePort & Store,
    readonly logs: LogStore,
    /** Whether the data folder's files are being saved; its transitions are "persistence" events. */
    readonly persistence: PersistenceHealth,
    early: EarlyStart,
  ) {
    persistence.subscribe((event: PersistenceEvent) => this.#emit("persistence", event));
    watchLogStore(logs, persistence, (text) => this.notice(text));
    this.#stopping = new Promise((resolve) => (this.#stop = resolve));
    this.dataDir = options.dataDir ?? join(options.projectDir, ".convex-lens");
    this.databaseOps = new DatabaseOps(store, this.transactions, (execId) => this.events.requestIdOf(execId));
    this.services = new HostServices(this.databaseOps, this.transactions, this.events);
    this.handles = new FunctionHandles(store);
    early.services.bind(this.services);
    this.#supply = early.supply;
    this.#firstBuild = early.firstBuild;
    this.#ownBuilds.push(early.firstBuild.outDir);
    this.#lastBuildStartedAt = early.firstBuild.startedAt;
  }

  on<Event extends keyof RuntimeEvents>(event: Event, listener: RuntimeListener<Event>): void {
    this.#emitter.on(event, listener);
    // What was said while nobody listened (a broken auth.config.ts during a load that a caller of
    // startServing without a log could not hear) goes to the first "notice" listener.
    if (event === "notice" && this.#unheardNotices.length > 0) {
      const texts = this.#unheardNotices.splice(0);
      queueMicrotask(() => {
        for (const text of texts) (listener as RuntimeListener<"notice">)(text);
      });
    }
  }

  off<Event extends keyof RuntimeEvents>(event: Event, listener: RuntimeListener<Event>): void {
    this.#emitter.off(event, listener);
  }

  /** Tells the user something that belongs to no request (a feature's trouble in the background). */
  notice(text: string): void {
    this.#emit("notice", text);
  }

  #emit<Event extends keyof RuntimeEvents>(event: Event, ...args: RuntimeEvents[Event]): void {
    if (event === "notice" && this.#emitter.listenerCount("notice") === 0) {
      this.#unheardNotices.push(String(args[0]));
      if (this.#unheardNotices.length > UNHEARD_NOTICES_KEPT) this.#unheardNotices.shift();
      return;
    }
    this.#emitter.emit(event, ...args);
  }

  static async open(options: RuntimeOptions): Promise<Runtime> {
    const dataDir = options.dataDir ?? join(options.projectDir, ".convex-lens");
    mkdirSync(dataDir, { recursive: true });
    const { unlock, settled } = lockAndSettle(dataDir);
    let store: Store | null = null;
    let early: EarlyStart | null = null;
    try {
      try {
        pruneAbandonedBuilds(options.projectDir);
      } catch {
        // Housekeeping only: a folder that cannot be removed now is tried again next start.
      }
      early = beginEarlyStart({
        projectDir: options.projectDir,
        memoryLimitMb: options.memoryLimitMb ?? 1024,
        env: deploymentEnvOf(options),
      });
      const persistence = new PersistenceHealth();
      store = await Store.open({ file: join(dataDir, "data.sqlite"), onDiskStatus: (part, error) => persistence.report(part, error) });
      const logs = await LogStore.open({ file: join(dataDir, "logs.sqlite"), retention: options.logRetention });
      const runtime = new Runtime(options, store as StorePort & Store, logs, persistence, early);
      runtime.#unlockDataDir = unlock;
      if (settled !== null) runtime.notice(settled);
      runtime.#recordExecutions();
      return runtime;
    } catch (error) {
      await store?.close();
      if (early) await abandonEarlyStart(early);
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

  /** The reload under way (the watcher saw a save), if any: settles once its build serves or failed. */
  get reloadUnderWay(): Promise<void> | null {
    return this.#reloading;
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
    const { outDir, startedPerf: started, result } = this.#takeFirstBuild() ?? this.#startBuild();
    this.#loadingBuildDir = outDir;
    // Without a spare (it died, or the first load's is gone), one boots while esbuild builds.
    this.#supply.warm(this.#buildDir);
    const build = await result;
    if (this.#stopped()) {
      this.#abandonLoad();
      return;
    }
    if (build.ok && build.convexSource === "bundled" && !this.#toldBundledConvex) {
      this.#toldBundledConvex = true;
      this.notice(
        `The project has no \`convex\` package installed (no node_modules/convex in ${this.options.projectDir} or a folder above it), ` +
          `so its functions run with Convex Lens's own convex ${build.convexVersion}. Run \`npm install convex\` in the project to use the version it is meant for.`,
      );
    }
    if (!build.ok) {
      this.#abandonLoad();
      this.state = { kind: "build-failed", errors: build.errors, serving: this.#pool !== null };
      this.#emit("state", this.state);
      return;
    }
    const deploymentEnv = this.#deploymentEnv();
    let components: ComponentInit[];
    try {
      components = componentInits(build.components, deploymentEnv, { siteUrl: this.options.siteUrl, cloudUrl: this.options.cloudUrl });
    } catch (error) {
      if (!(error instanceof ComponentEnvError)) throw error;
      this.#pruneOwnBuilds();
      const configFile = ["convex.config.ts", "convex.config.js"].map((n) => join(build.functionsDir, n)).find((f) => existsSync(f));
      this.state = {
        kind: "build-failed",
        errors: [{ file: configFile ?? build.functionsDir, line: 1, column: 1, text: error.message }],
        serving: this.#pool !== null,
      };
      this.#emit("state", this.state);
      return;
    }
    const pool = new WorkerPool(
      {
        components,
        authConfigFile: build.authConfigFile,
        functionsDir: build.functionsDir,
        projectDir: this.options.projectDir,
        env: deploymentEnv,
        queryTimeoutMs: this.options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
        ...(this.options.systemTimeoutMs !== undefined ? { systemTimeoutMs: this.options.systemTimeoutMs } : {}),
      },
      this.#supply,
      {
        queryTimeoutMs: this.options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
        actionTimeoutMs: this.options.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
        replaceAfterMs: 250,
        clientGoneTimeoutMs: this.options.clientGoneTimeoutMs ?? DEFAULT_CLIENT_GONE_TIMEOUT_MS,
        onNotice: (text) => this.notice(text),
      },
    );
    let project: LoadedProject;
    try {
      project = await pool.loaded;
      if (project.loadErrors.length > 0) {
        const errors = project.loadErrors.map((e) => {
          const dir = build.components.find((c) => c.path === e.component)?.definitionDir ?? build.functionsDir;
          const shown = e.component === "" ? e.module : `${e.component}/${e.module}`;
          return loadErrorMessage(dir, join(dir, e.module), `Failed to load ${shown}: ${e.message}`, this.options.projectDir);
        });
        throw { message: errors.map((e) => e.text).join("\n"), errors };
      }
      await this.#applySchemas(project.components, build.components);
      await this.handles.sync(project.components);
    } catch (error) {
      await pool.dispose();
      this.#abandonLoad();
      const wire = error as WireError & { errors?: BuildMessage[] };
      const httpFile = build.httpModule ? join(build.functionsDir, build.httpModule) : build.functionsDir;
      this.state = {
        kind: "build-failed",
        errors: wire.errors ?? [loadErrorMessage(build.functionsDir, httpFile, wire.stack ?? wire.message, this.options.projectDir)],
        serving: this.#pool !== null,
      };
      this.#emit("state", this.state);
      return;
    }
    if (this.#stopped()) {
      // close() ran while this build loaded: nothing may keep running after it.
      await pool.dispose({ message: "The runtime stopped" });
      this.#abandonLoad();
      return;
    }
    const previous = this.#pool;
    const previousDir = this.#buildDir;
    this.#pool = pool;
    this.#project = project;
    this.#buildDir = build.outDir;
    this.#loadingBuildDir = null;
    this.state = { kind: "ready", project, buildMs: Math.round(performance.now() - started) };
    // Modules that depend on the loaded code (auth config, scheduled jobs) update before "state".
    this.#emit("loaded", project);
    this.#emit("state", this.state);
    if (previous) void this.#drain(previous, previousDir).then(() => this.#pruneOwnBuilds());
  }

  /** The app's `process.env`: the env files' variables plus the system ones. */
  #deploymentEnv(): Record<string, string> {
    return deploymentEnvOf(this.options);
  }

  /** The build begun before the stores opened, once; null afterwards. */
  #takeFirstBuild(): StartedBuild | null {
    const first = this.#firstBuild;
    this.#firstBuild = null;
    return first;
  }

  #startBuild(): StartedBuild {
    const build = startBuild(this.options.projectDir, this.#deploymentEnv());
    this.#lastBuildStartedAt = build.startedAt;
    this.#ownBuilds.push(build.outDir);
    return build;
  }

  /** close() has run (a reload in flight sees it only after its awaits). */
  #stopped(): boolean {
    return this.state.kind === "stopped";
  }

  /**
   * Checks every install's schema as the backend does on push, then applies them all (each install's
   * tables in its own namespace); a refusal names the schema file it comes from.
   */
  async #applySchemas(loaded: LoadedComponent[], built: ComponentInstanceBuild[]): Promise<void> {
    const schemas: ComponentSchema[] = [];
    const refuse = (component: string, text: string) => {
      const dir = built.find((c) => c.path === component)?.definitionDir ?? this.options.projectDir;
      const file = ["schema.ts", "schema.js"].map((name) => join(dir, name)).find((f) => existsSync(f)) ?? dir;
      return { message: text, errors: [{ file, line: 1, column: 1, text: component === "" ? text : `Component "${component}": ${text}` }] };
    };
    for (const component of loaded) {
      const schema = component.schemaJson ? (JSON.parse(component.schemaJson) as SchemaInfo) : null;
      const problem = schema ? schemaIndexProblem(schema) : null;
      if (problem !== null) throw refuse(component.path, problem);
      schemas.push({ component: component.path, schema });
    }
    try {
      await this.store.setSchema(mergeComponentSchemas(schemas));
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      throw refuse("", text);
    }
  }

  /** The reload in progress did not make it: its build folder goes. */
  #abandonLoad(): void {
    this.#loadingBuildDir = null;
    this.#pruneOwnBuilds();
  }

  /**
   * Deletes the build folders this runtime made, but those in use: the one serving, the one a
   * reload is loading, those of pools still draining. Only our own: another runtime (the CLI
   * beside the extension, a parallel test) may be serving from the same project.
   */
  #pruneOwnBuilds(): void {
    const keep = new Set([this.#buildDir, this.#loadingBuildDir, ...this.#draining.values()]);
    this.#ownBuilds = this.#ownBuilds.filter((dir) => {
      if (keep.has(dir)) return true;
      rmSync(dir, { recursive: true, force: true });
      return false;
    });
  }

  /**
   * Lets the requests of a replaced pool finish on the build they started on, then stops it. A
   * reload must not fail them, so the bound is the longest a function may run; the pool's
   * watchdog still stops any that passes its own limit.
   */
  async #drain(pool: WorkerPool, buildDir: string | null): Promise<void> {
    this.#draining.set(pool, buildDir);
    const deadline =
      Date.now() +
      Math.max(this.options.actionTimeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS, this.options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS);
    while (!pool.idle && Date.now() < deadline && !this.#stopped()) await new Promise((r) => setTimeout(r, 20));
    // close() stops the pools still draining itself.
    if (!this.#draining.delete(pool)) return;
    await pool.dispose();
  }

  async runFunction(name: string, args: JSONValue, options: RunFunctionOptions = {}): Promise<FunctionOutcome> {
    const outcome = await this.runFunctionJson(name, args, options);
    if (!outcome.ok) return outcome;
    return { ok: true, value: JSON.parse(outcome.valueJson) as JSONValue, logLines: outcome.logLines };
  }

  /** runFunction with the result as JSON text, for a caller that sends it on as JSON (the function API). */
  runFunctionJson(name: string, args: JSONValue, options: RunFunctionOptions = {}): Promise<FunctionJsonOutcome> {
    const token = options.authToken ?? null;
    return this.services.requestIdentities.around(token, () => this.#runFunction(name, args, token, options));
  }

  async #runFunction(name: string, args: JSONValue, token: string | null, options: RunFunctionOptions): Promise<FunctionJsonOutcome> {
    const pool = this.#pool ?? (await this.whenServing());
    const componentPath = options.componentPath ?? "";
    const functions = this.#project?.components.find((c) => c.path === componentPath)?.functions ?? [];
    const requestId = options.requestId ?? newRequestId();
    // The worker need not know why it runs: the host records it when the execution starts.
    if (options.cause) this.#causes.set(requestId, options.cause);
    try {
      return await pool.send((worker) =>
        worker.runFunction({
          componentPath,
          name,
          udfType: options.udfType ?? functions.find((f) => f.name === name)?.udfType ?? "query",
          args,
          requestId,
          caller: options.caller ?? "api",
          publicOnly: options.publicOnly ?? false,
          authToken: token,
          scheduledFunctionId: options.scheduledFunctionId ?? null,
        }),
      );
    } finally {
      if (options.cause) this.#causes.delete(requestId);
    }
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
    const token = bearerTokenOf(authorizationOf(request.headers));
    return this.services.requestIdentities.around(token, async () => {
      const pool = this.#pool ?? (await this.whenServing());
      return pool.send((worker) =>
        worker.runHttp(
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
        ),
      );
    });
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

  /**
   * The pool to run requests on. With none yet, a request waits for the load in progress (the
   * first one, or a reload after a build that failed), up to LOAD_WAIT_MS, instead of being
   * refused for the moment it arrived in. A reload of a project that serves never makes anyone
   * wait: the last good build answers until the new one is in. Throws a NotServingError when
   * waiting does not help: the project does not build, it is still loading, or the runtime stops.
   */
  async whenServing(): Promise<WorkerPool> {
    const deadline = Date.now() + LOAD_WAIT_MS;
    for (;;) {
      if (this.#stopped()) throw NotServingError.stopped();
      if (this.#pool) return this.#pool;
      // Before the first reload() is called (startServing calls it right after opening the doors).
      const load = this.#reloading ?? (this.state.kind === "starting" ? once(this.#emitter, "state") : null);
      if (load === null) {
        const errors = this.state.kind === "build-failed" ? this.state.errors : [];
        throw NotServingError.buildFailed(errors, this.options.projectDir);
      }
      if (!(await settlesWithin(load, this.#stopping, deadline - Date.now()))) throw NotServingError.stillLoading();
    }
  }

  #recordExecutions(): void {
    this.events.listen({
      onStart: (start) =>
        this.logs.recordExecution(start.parentId === null ? { ...start, cause: this.#causes.get(start.requestId) ?? null } : start),
      onLog: (log) => this.logs.appendLines(log.execId, log.requestId, [log.line]),
      onEnd: (end) => this.logs.finishExecution(end),
    });
  }

  async close(): Promise<void> {
    this.state = { kind: "stopped" };
    this.#stop();
    const draining = [...this.#draining.keys()];
    this.#draining.clear();
    await Promise.all([
      this.#pool?.dispose(STOPPED_UNDER_REQUEST),
      ...draining.map((pool) => pool.dispose(STOPPED_UNDER_REQUEST)),
      this.#supply.close(),
    ]);
    this.#pool = null;
    this.#buildDir = null;
    this.#pruneOwnBuilds();
    // Both stores close even if one cannot save its file; the first failure is thrown after (the
    // commit log still holds every commit the database file misses).
    const closing = await Promise.allSettled([this.store.close(), this.logs.close()]);
    this.#unlockDataDir();
    this.#emit("state", this.state);
    const failed = closing.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (failed) throw failed.reason;
  }
}

/** The deployment's variables as its functions (and convex.config.ts) see them. */
function deploymentEnvOf(options: RuntimeOptions): Record<string, string> {
  return { ...options.env, CONVEX_SITE_URL: options.siteUrl, CONVEX_CLOUD_URL: options.cloudUrl };
}

/** The stores did not open: the early worker stops and the early build's folder goes. */
async function abandonEarlyStart(early: EarlyStart): Promise<void> {
  await early.supply.close().catch(() => undefined);
  await early.firstBuild.result.catch(() => undefined);
  rmSync(early.firstBuild.outDir, { recursive: true, force: true });
}

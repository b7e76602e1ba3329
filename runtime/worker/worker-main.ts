// Entry point of the user-code worker thread. It loads the built project, installs the Convex
// ABI, and runs what the host asks for. Nothing here owns data: if this thread hangs or dies,
// the host terminates it and starts another.
import { setImmediate } from "node:timers";
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { HostToWorker, LoadedProject, RunFunctionRequest, WorkerInit } from "../shared/protocol";
import type { WorkerBoot, WorkerStart } from "../shared/worker-boot";
import type { JSONValue } from "../store/types";
import { installConvexGlobal } from "./convex-global";
import { routeGlobalConsole } from "./execution-log";
import { guardTransactionGlobals } from "./transaction-globals";
import { installConvexResponse } from "./response-global";
import { ComponentEnv } from "./component-env";
import { ComponentSet } from "./component-set";
import { FunctionFailure, FunctionRunner } from "./function-runner";
import { HostChannel } from "./host-channel";
import { HttpBridge } from "./http-bridge";
import { SyscallRouter } from "./syscall-router";
import { StackCleaner, uncaughtError } from "./uncaught-error";
import { claimSlot } from "../shared/sync-channel";
import { guardProcessEnd } from "./process-guards";
import { MemoryWatch } from "./memory-watch";

const boot = workerData as WorkerBoot;
const host = new HostChannel(boot.control, boot.syncBuffer);
// Before any user module loads: its top level may signal the process too.
guardProcessEnd((call, exitCode) => {
  host.send({ type: "ending", call });
  host.flush();
  process.exit(exitCode);
});
/** The build this worker runs; set by `receiveBuild` when main starts. */
let init: WorkerInit;

/**
 * Waits for the build to load. A spare worker boots before its build exists: meanwhile it imports
 * the project's `convex` through a module in the build folder, so that the built modules' own
 * `import "convex/server"` finds it in the ESM cache (keyed by the resolved file URL).
 */
async function receiveBuild(): Promise<WorkerInit> {
  const start = new Promise<WorkerStart>((resolve) => boot.startPort.once("message", resolve));
  // Only a cache: without it (no `convex` installed, the file gone) the build imports `convex` itself.
  if (boot.prewarm) {
    const imported = await import(boot.prewarm).then(
      () => true,
      () => false,
    );
    if (imported) boot.startPort.postMessage("prewarmed");
  }
  const { init: build, hostEnv } = await start;
  boot.startPort.close();
  // A worker spawned now would have copied the host's env now, not when this one booted.
  for (const name of Object.keys(process.env)) if (!(name in hostEnv)) delete process.env[name];
  Object.assign(process.env, hostEnv);
  return { ...build, control: boot.control, syncBuffer: boot.syncBuffer };
}

async function loadDefault(file: string | null): Promise<unknown> {
  if (!file) return null;
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return module.default ?? null;
}

const SEE_SCHEMA_DOCS = "To learn more, see the schema documentation at https://docs.convex.dev/database/schemas.";

/** A schema file that loads but is not a schema: the backend refuses it with these words. */
class SchemaExportError extends Error {}

async function loadSchema(file: string | null): Promise<{ export: () => string } | null> {
  if (!file) return null;
  const schema = (await loadDefault(file)) as { export?: unknown } | null;
  if (schema === null) throw new SchemaExportError(`Schema file missing default export. ${SEE_SCHEMA_DOCS}`);
  if (typeof schema !== "object" || typeof schema.export !== "function") {
    throw new SchemaExportError(`Default export from schema file isn't a Convex schema. ${SEE_SCHEMA_DOCS}`);
  }
  return schema as { export: () => string };
}

/** The schema's source as the backend shows paths in traces: `../convex/schema.ts`. */
function schemaSourceFrame(): string {
  const source = ["schema.ts", "schema.js"].map((name) => join(init.functionsDir, name)).find((path) => existsSync(path));
  return source ? `    at ../${relative(init.projectDir, source).split(sep).join("/")}:1:1` : "";
}

async function main(): Promise<void> {
  // Before the first import (the prewarm's too): Node only maps frames of modules loaded after this.
  process.setSourceMapsEnabled(true);
  init = await receiveBuild();
  Object.assign(process.env, init.env);
  // Heartbeat for the host's watchdog: if this stops moving, user code is stuck in a loop. Each
  // beat also measures the memory user code holds (Convex's memory limit).
  const memory = new MemoryWatch(boot.control);
  setInterval(() => {
    host.heartbeat();
    memory.check();
  }, 25).unref();

  const components = new ComponentSet();
  const cleaner = new StackCleaner(init.projectDir, init.functionsDir);
  const runner = new FunctionRunner(components, host, cleaner, memory, init.queryTimeoutMs, init.systemTimeoutMs);
  const http = new HttpBridge(components, host, cleaner);
  http.runner = runner;
  installConvexGlobal(new SyscallRouter(host, components, runner, http, "convex-lens-local"));
  routeGlobalConsole();
  guardTransactionGlobals();
  installConvexResponse();

  let project: LoadedProject;
  try {
    await components.load(init.components, new ComponentEnv());
    const schemas = new Map<string, string | null>();
    for (const node of components.all) {
      const schema = await loadSchema(node.schemaFile);
      schemas.set(node.path, schema ? schema.export() : null);
    }
    const authConfig = (await loadDefault(init.authConfigFile)) as JSONValue | null;
    const loaded = components.describe(schemas);
    const app = loaded[0]!;
    project = {
      functions: app.functions,
      routes: components.siteRoutes(),
      // Mounted components serve HTTP even when the app has no http.ts of its own.
      hasHttp: app.hasHttp || Object.keys(components.root.httpMounts).length > 0,
      schemaJson: app.schemaJson,
      authConfig: authConfig ? (JSON.parse(JSON.stringify(authConfig)) as JSONValue) : null,
      loadErrors: components.loadErrors,
      components: loaded,
      crons: app.crons,
    };
  } catch (error) {
    const wire =
      error instanceof SchemaExportError
        ? { message: error.message, stack: `${error.message}\n${schemaSourceFrame()}` }
        : uncaughtError(error, cleaner);
    host.send({ type: "load-failed", error: wire });
    return;
  }
  memory.setBaseline();
  host.send({ type: "loaded", project });

  const receive = (message: HostToWorker) => {
    if (host.handleReply(message)) return;
    if (message.type === "run-function") {
      if (claim(message.id)) void runFunction(runner, message);
    } else if (message.type === "run-http") {
      if (claim(message.id)) void http.handle(message);
    } else if (message.type === "cancel-http") http.cancel(message.id);
  };
  parentPort!.on("message", (message: HostToWorker) => {
    if (message.type !== "batch") return receive(message);
    // Each in a turn of its own, as if they had come one by one: what one request does without
    // yielding is done before the next starts, and a next one that loops holds up no earlier one.
    const [first, ...rest] = message.messages;
    receive(first!);
    for (const next of rest) setImmediate(() => receive(next));
  });
}

const control = new Int32Array(boot.control);

/** Takes a request unless the host withdrew it to run elsewhere while it waited in our queue. */
function claim(id: number): boolean {
  return Atomics.compareExchange(control, claimSlot(id), id, -id) !== ~id;
}

async function runFunction(runner: FunctionRunner, request: RunFunctionRequest): Promise<void> {
  let logLines: string[] = [];
  try {
    const resolved = runner.resolveOrFail(request.componentPath, request.name, request.udfType, request.publicOnly);
    const valueJson = await runner.run(resolved, request.args, {
      requestId: request.requestId,
      caller: request.caller,
      parent: null,
      authToken: request.authToken,
      request: { ip: null, userAgent: null, scheduledFunctionId: request.scheduledFunctionId },
      onLogLines: (lines) => (logLines = lines),
    });
    host.send({ type: "function-result", id: request.id, ok: true, valueJson, logLines });
  } catch (error) {
    const wire = error instanceof FunctionFailure ? error.wire : { message: String(error) };
    host.send({ type: "function-result", id: request.id, ok: false, error: wire, logLines });
  }
}

function describeStray(reason: unknown): string {
  try {
    return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
  } catch {
    return "(a value that cannot be printed)";
  }
}

process.on("unhandledRejection", (reason) => {
  // User code that forgets a promise must not take the worker down; the backend ignores these too.
  process.stderr.write(`[convex-lens worker] unhandled rejection: ${describeStray(reason)}\n`);
});

// A throw from a timer or event callback of user code (say, a setTimeout left running after its
// action returned) would end the whole worker, and with it every other request running there,
// which get "The function runner crashed" for an error that is not theirs. It is reported instead.
process.on("uncaughtException", (error) => {
  process.stderr.write(`[convex-lens worker] uncaught exception outside of any function: ${describeStray(error)}\n`);
});

void main();

// Entry point of the user-code worker thread. It loads the built project, installs the Convex
// ABI, and runs what the host asks for. Nothing here owns data: if this thread hangs or dies,
// the host terminates it and starts another.
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import type { HostToWorker, LoadedProject, RunFunctionRequest, WorkerInit } from "../shared/protocol";
import type { JSONValue } from "../store/types";
import { installConvexGlobal } from "./convex-global";
import { routeGlobalConsole } from "./execution-log";
import { guardTransactionGlobals } from "./transaction-globals";
import { FunctionRegistry } from "./function-registry";
import { FunctionFailure, FunctionRunner } from "./function-runner";
import { HostChannel } from "./host-channel";
import { HttpBridge } from "./http-bridge";
import { SyscallRouter } from "./syscall-router";
import { StackCleaner, uncaughtError } from "./uncaught-error";

const init = workerData as WorkerInit;
const host = new HostChannel(init.control, init.syncBuffer);

async function loadDefault(file: string | null): Promise<unknown> {
  if (!file) return null;
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return module.default ?? null;
}

async function main(): Promise<void> {
  process.setSourceMapsEnabled(true);
  Object.assign(process.env, init.env);
  // Heartbeat for the host's watchdog: if this stops moving, user code is stuck in a loop.
  setInterval(() => host.heartbeat(), 25).unref();

  const registry = new FunctionRegistry();
  const cleaner = new StackCleaner(init.projectDir, init.functionsDir);
  const runner = new FunctionRunner(registry, host, cleaner, init.queryTimeoutMs, init.systemTimeoutMs);
  const http = new HttpBridge(registry, host, cleaner);
  http.runner = runner;
  installConvexGlobal(new SyscallRouter(host, runner, http, "convex-lens-local"));
  routeGlobalConsole();
  guardTransactionGlobals();

  let project: LoadedProject;
  try {
    await registry.load(init.modules, init.httpModule);
    const schema = (await loadDefault(init.schemaFile)) as { export?: () => string } | null;
    const authConfig = (await loadDefault(init.authConfigFile)) as JSONValue | null;
    project = {
      functions: registry.listFunctions(),
      routes: registry.listRoutes(),
      hasHttp: registry.router !== null,
      schemaJson: schema && typeof schema.export === "function" ? schema.export() : null,
      authConfig: authConfig ? (JSON.parse(JSON.stringify(authConfig)) as JSONValue) : null,
      loadErrors: registry.loadErrors,
    };
  } catch (error) {
    host.send({ type: "load-failed", error: uncaughtError(error, cleaner) });
    return;
  }
  host.send({ type: "loaded", project });

  parentPort!.on("message", (message: HostToWorker) => {
    if (host.handleReply(message)) return;
    if (message.type === "run-function") void runFunction(runner, message);
    else if (message.type === "run-http") void http.handle(message);
    else if (message.type === "cancel-http") http.cancel(message.id);
  });
}

async function runFunction(runner: FunctionRunner, request: RunFunctionRequest): Promise<void> {
  let logLines: string[] = [];
  try {
    const resolved = runner.resolveOrFail(request.name, request.udfType, request.publicOnly);
    const value = await runner.run(resolved, request.args, {
      requestId: request.requestId,
      caller: request.caller,
      parent: null,
      authToken: request.authToken,
      request: { ip: null, userAgent: null, scheduledFunctionId: request.scheduledFunctionId },
      onLogLines: (lines) => (logLines = lines),
    });
    host.send({ type: "function-result", id: request.id, ok: true, value, logLines });
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

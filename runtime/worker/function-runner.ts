// Runs queries, mutations and actions through the package's own `invoke*` entry points, with
// argument/return validation, transactions held by the host, execution records and log capture.
import { convexToJson } from "convex/values";
import type { Caller, WireError } from "../shared/protocol";
import { ISOLATE_MEMORY_LIMIT_MIB, memoryLimitMib, timeoutMessage } from "../shared/limits";
import type { JSONValue } from "../store/types";
import { validateArgs, validateReturns } from "../values/validate";
import { Execution, executionStorage, newExecutionId, type RequestInfo } from "./execution";
import type { TransactionRef } from "../shared/host-ops";
import type { ResolvedFunction } from "./function-registry";
import type { ComponentSet } from "./component-set";
import { qualifiedName } from "./function-address";
import type { HostChannel } from "./host-channel";
import { attachExecutionLog } from "./execution-log";
import { uncaughtError, type StackCleaner } from "./uncaught-error";
import type { MemoryWatch } from "./memory-watch";

/** A failure that already has the message the caller should see (validation, not found, …). */
export class FunctionFailure extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
  }
}

export interface RunOptions {
  requestId: string;
  caller: Caller;
  parent: Execution | null;
  authToken: string | null;
  request?: RequestInfo;
  /** For nested runQuery/runMutation in a query or mutation: the caller's transaction. */
  inheritTx?: TransactionRef | null;
  /** Receives the list the execution's pretty log lines are collected in (function API `logLines`). */
  onLogLines?: (lines: string[]) => void;
}

const LABEL: Record<ResolvedFunction["udfType"], string> = { query: "Query", mutation: "Mutation", action: "Action" };

export class FunctionRunner {
  constructor(
    private readonly components: ComponentSet,
    private readonly host: HostChannel,
    private readonly cleaner: StackCleaner,
    private readonly memory: MemoryWatch,
    private readonly queryTimeoutMs: number,
    private readonly systemTimeoutMs: number = DEFAULT_SYSTEM_TIMEOUT_MS,
  ) {}

  /** The function `name` of the install `component`, checked for kind and visibility. */
  resolveOrFail(component: string, name: string, expected: ResolvedFunction["udfType"] | null, publicOnly: boolean): ResolvedFunction {
    const resolved = this.components.has(component) ? this.components.node(component).registry.resolve(name) : null;
    if (!resolved || (publicOnly && resolved.visibility === "internal")) {
      const kind = publicOnly ? "public function" : "function";
      // The backend names the install for a component's function (crates/udf/src/validation.rs).
      const where = component === "" ? "" : ` in '${component}'`;
      throw new FunctionFailure({
        message: `Could not find ${kind} for '${name}'${where}. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`,
      });
    }
    if (expected !== null && resolved.udfType !== expected) {
      throw new FunctionFailure({
        message: `Trying to execute ${resolved.name} as ${LABEL[expected]}, but it is defined as ${LABEL[resolved.udfType]}.`,
      });
    }
    return resolved;
  }

  /**
   * Runs one function to completion and returns its result in wire form, as the JSON text the
   * package returned (`JSON.stringify`'s output: parsing it and stringifying again gives it back).
   */
  async run(resolved: ResolvedFunction, args: JSONValue, options: RunOptions): Promise<string> {
    const nestedInTx = options.inheritTx ?? null;
    if (resolved.udfType === "mutation" && nestedInTx && nestedInTx.mode !== "write") {
      throw new FunctionFailure({ message: "A query cannot run a mutation" });
    }
    if (nestedInTx && options.parent && options.parent.reactorDepth >= MAX_NESTED_CALL_DEPTH) {
      // crates/isolate/src/environment/udf/async_syscall.rs: 8 levels below the top-level function.
      throw new FunctionFailure({ message: "Cross component call depth limit exceeded. Do you have an infinite loop in your app?" });
    }
    const execution = new Execution(
      newExecutionId(),
      options.requestId,
      resolved.udfType,
      resolved.component,
      qualifiedName(resolved.component, resolved.name),
      resolved.visibility,
      options.caller,
      options.parent,
      nestedInTx,
      options.authToken,
      options.request,
    );
    if (nestedInTx && options.parent) execution.reactorDepth = options.parent.reactorDepth + 1;
    const execId = execution.id;
    // Announced before its transaction begins, so the start and the begin travel together.
    this.#announce(execution, memoryLimitMib(resolved.udfType, resolved.environment));
    options.onLogLines?.(execution.log.lines);
    let ownTx: TransactionRef | null = null;
    let savepoint: number | null = null;
    let outcome: { ok: true; json: string } | { ok: false; error: WireError };
    try {
      if (resolved.udfType !== "action" && !nestedInTx) {
        ownTx = await this.host.call(execId, "tx/begin", { mode: resolved.udfType === "mutation" ? "write" : "read" });
        execution.tx = ownTx;
      }
      if (resolved.udfType === "mutation" && nestedInTx) {
        savepoint = await this.host.call(execId, "tx/savepoint", { txId: nestedInTx.id });
      }
      const json = await this.#invoke(execution, resolved, args);
      if (ownTx?.mode === "write") {
        // The host refuses a commit it could not make durable (a full disk): its message is the error.
        await this.host.call(execId, "tx/commit", { txId: ownTx.id }).catch((error: WireError) => {
          throw new FunctionFailure({ message: error.message });
        });
      } else if (ownTx) this.host.notify(execId, "tx/end", { txId: ownTx.id });
      else if (savepoint !== null && nestedInTx) {
        await this.host.call(execId, "tx/release", { txId: nestedInTx.id, savepoint });
      }
      outcome = { ok: true, json };
    } catch (thrown) {
      // Ending (rolling back) is answered in order before anything this worker sends next.
      if (ownTx) this.host.notify(execId, "tx/end", { txId: ownTx.id });
      else if (savepoint !== null && nestedInTx) {
        await this.host.call(execId, "tx/rollback", { txId: nestedInTx.id, savepoint }).catch(() => undefined);
      }
      outcome = { ok: false, error: isFunctionFailure(thrown) ? thrown.wire : uncaughtError(thrown, this.cleaner) };
    }
    this.#finish(execution, outcome.ok ? null : outcome.error, null);
    if (!outcome.ok) throw new FunctionFailure(outcome.error);
    return outcome.json;
  }

  /** `v.id("t")` needs the table of an id, as the callee's install names its tables; the host knows. */
  #validationContext(component: string) {
    return {
      tableNameOfId: (id: string): string | null => this.host.syncCall("validation", "db/tableNameOfId", { id, component }).table,
    };
  }

  async #invoke(execution: Execution, resolved: ResolvedFunction, args: JSONValue): Promise<string> {
    const validation = this.#validationContext(resolved.component);
    const argsProblem = validateArgs(resolved.fn.exportArgs?.() ?? '{"type":"any"}', args, validation);
    if (argsProblem !== null) throw new FunctionFailure({ message: argsProblem });
    const argsStr = JSON.stringify([args]);
    const invocation = executionStorage.run(execution, () => {
      this.markResumed(execution);
      this.host.setRunningSlot(execution.slot);
      const fn = resolved.fn;
      if (resolved.udfType === "query") return fn.invokeQuery!(argsStr);
      if (resolved.udfType === "mutation") return fn.invokeMutation!(argsStr);
      return fn.invokeAction!(execution.requestId, argsStr);
    });
    const resultStr = execution.isTransactional
      ? await withSystemTimeout(invocation, execution.identifier, this.systemTimeoutMs, () => this.host.pausedMs())
      : await invocation;
    this.checkUserTime(execution);
    const value = JSON.parse(resultStr) as JSONValue;
    const returnsProblem = validateReturns(resolved.fn.exportReturns?.() ?? "null", value, validation);
    if (returnsProblem !== null) throw new FunctionFailure({ message: returnsProblem });
    return resultStr;
  }

  /** User code of `execution` starts or resumes running now. */
  markResumed(execution: Execution): void {
    execution.resumedAt = performance.now();
    execution.pausedAtResume = this.host.pausedMs();
  }

  /**
   * Queries and mutations get 1 s of their own time (waits on the database excluded), as in Convex.
   * Time stopped at a breakpoint is not theirs either.
   */
  checkUserTime(execution: Execution): void {
    if (!execution.isTransactional) return;
    const paused = this.host.pausedMs() - execution.pausedAtResume;
    execution.userTimeMs += Math.max(0, performance.now() - execution.resumedAt - paused);
    this.markResumed(execution);
    if (execution.userTimeMs > this.queryTimeoutMs) {
      throw new FunctionFailure({ message: timeoutMessage(execution.udfType, execution.identifier, this.queryTimeoutMs) });
    }
  }

  #announce(execution: Execution, memoryLimit: number): void {
    this.memory.started(execution.id, memoryLimit);
    attachExecutionLog(execution, this.host);
    this.host.send({
      type: "exec-start",
      execId: execution.id,
      parentId: execution.parent?.id ?? null,
      requestId: execution.requestId,
      udfType: execution.udfType,
      identifier: execution.identifier,
      caller: execution.caller,
      startedAt: execution.startedAt,
      slot: execution.slot,
    });
  }

  /** Announces an HTTP action (Convex runs those in its isolate). */
  announce(execution: Execution): void {
    this.#announce(execution, ISOLATE_MEMORY_LIMIT_MIB);
  }

  finish(execution: Execution, error: WireError | null, status: number | null): void {
    this.#finish(execution, error, status);
  }

  #finish(execution: Execution, error: WireError | null, status: number | null): void {
    this.memory.ended(execution.id);
    this.host.send({
      type: "exec-end",
      execId: execution.id,
      outcome: error ? "failure" : "success",
      durationMs: Date.now() - execution.startedAt,
      status,
      error,
    });
  }
}

/** MAX_REACTOR_CALL_DEPTH in the backend's knobs.rs. */
const MAX_NESTED_CALL_DEPTH = 8;

/** `instanceof` that survives a thrown Proxy whose getPrototypeOf trap throws. */
function isFunctionFailure(thrown: unknown): thrown is FunctionFailure {
  try {
    return thrown instanceof FunctionFailure;
  } catch {
    return false;
  }
}

/**
 * A query or mutation that awaits something that never settles would hold its transaction (and,
 * for a mutation, the write lock) forever; the backend gives such functions 15 s of system time.
 */
export const DEFAULT_SYSTEM_TIMEOUT_MS = 15_000;

/** Time at a breakpoint (`pausedMs`) extends the deadline: the debugger, not the function, waited. */
function withSystemTimeout<T>(promise: Promise<T>, identifier: string, limitMs: number, pausedMs: () => number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const startedAt = performance.now();
  const pausedAtStart = pausedMs();
  const timeout = new Promise<never>((_, reject) => {
    const check = () => {
      const left = limitMs - (performance.now() - startedAt - (pausedMs() - pausedAtStart));
      if (left > 0) {
        timer = setTimeoutOutsideExecution(check, left);
        return;
      }
      reject(
        new FunctionFailure({
          message: `Function ${identifier} did not finish within ${limitMs / 1000} s: it is waiting on something that never settles (a promise without a result?).`,
        }),
      );
    };
    timer = setTimeoutOutsideExecution(check, limitMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The runtime's own timers must not be refused by the transaction guard. */
function setTimeoutOutsideExecution(fn: () => void, ms: number): NodeJS.Timeout {
  return executionStorage.exit(() => setTimeout(fn, ms));
}

export function toWireJson(value: unknown): JSONValue {
  return convexToJson(value as never) as JSONValue;
}

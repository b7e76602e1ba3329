// Per-execution state inside the worker. The `convex` package calls our syscalls with no handle
// on which function is running (its requestId is always ""), so the running execution is found
// through AsyncLocalStorage, which follows the user's awaits.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { Caller, UdfType } from "../shared/protocol";
import type { SerializedQuery } from "../store/types";
import type { CapturedConsole, LogCollector } from "../logs/console-capture";

import type { TransactionRef } from "../shared/host-ops";

export interface QueryStreamState {
  query: SerializedQuery;
  isSystem: boolean;
  position: string | null;
  /** Documents the host sent and user code has not read yet, each as its JSON text. */
  buffer: string[];
  done: boolean;
  /** How many more documents a trailing `limit` operator allows. */
  remaining: number;
}

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
  /** Set when a scheduled job runs this execution (and the functions it calls). */
  scheduledFunctionId: string | null;
}

export interface LogSink {
  console: CapturedConsole;
  collector: LogCollector;
  /** Pretty lines, for the function API's `logLines`. */
  lines: string[];
}

export class Execution {
  static #nextSlot = 1;
  readonly slot = Execution.#nextSlot++;
  readonly startedAt = Date.now();
  readonly queries = new Map<number, QueryStreamState>();
  paginated = false;
  /** Queries and mutations nested in this one's transaction above it (the backend's reactor depth). */
  reactorDepth = 0;
  /** Milliseconds of user code (syscall waits excluded) so far; queries and mutations are limited. */
  userTimeMs = 0;
  resumedAt = performance.now();
  /** The worker's time stopped at breakpoints when user code last resumed (HostChannel.pausedMs). */
  pausedAtResume = 0;
  log!: LogSink;

  constructor(
    readonly id: string,
    readonly requestId: string,
    readonly udfType: UdfType,
    /** The component install the code belongs to: its tables, env and children ("" for the app). */
    readonly component: string,
    /** `messages:send`, or `POST /route` for HTTP actions; `twilio/messages:create` in a component. */
    readonly identifier: string,
    readonly visibility: "public" | "internal",
    readonly caller: Caller,
    readonly parent: Execution | null,
    /** Set once the transaction has begun (a query's or mutation's own, or the caller's). */
    public tx: TransactionRef | null,
    readonly authToken: string | null,
    readonly request: RequestInfo = { ip: null, userAgent: null, scheduledFunctionId: null },
  ) {}

  get isTransactional(): boolean {
    return this.udfType === "query" || this.udfType === "mutation";
  }
}

export const executionStorage = new AsyncLocalStorage<Execution>();

export function currentExecution(): Execution | undefined {
  return executionStorage.getStore();
}

export function newExecutionId(): string {
  return randomUUID();
}

// Dispatches every op that convex@1.48 emits. Database ops go through DatabaseSyscalls, nested
// function calls through the FunctionRunner (addressed by name, component reference or function
// handle, see function-address.ts), the rest to the host. An op this runtime does not implement
// fails with a sentence naming the feature (shared/unsupported-ops.ts).
import type { JSONValue } from "../store/types";
import { unsupportedOpMessage } from "../shared/unsupported-ops";
import type { ComponentSet } from "./component-set";
import { SyscallError, SyscallJson, type SyscallRouting } from "./convex-global";
import { DatabaseSyscalls } from "./database-syscalls";
import type { Execution } from "./execution";
import { parseAddress, type FunctionAddress } from "./function-address";
import type { ResolvedFunction } from "./function-registry";
import { FunctionFailure, type FunctionRunner } from "./function-runner";
import type { HostChannel } from "./host-channel";
import type { HttpBridge } from "./http-bridge";
import {
  type AsyncOps,
  type FeatureOpName,
  isFeatureOp,
  type OpArgs,
  type OpCaller,
  type OpResult,
  type ScheduleCall,
} from "../shared/host-ops";
import type { AsyncSyscalls, JsSyscalls, ScheduleSyscall, SyncSyscalls, SyscallHandlers } from "./convex-syscalls";

type UdfType = ResolvedFunction["udfType"];

/** A function an address resolved to: its install and its name there ("messages:send"). */
interface CallTarget {
  component: string;
  name: string;
  /** Reached through a component reference: only public functions are exported. */
  publicOnly: boolean;
}

export class SyscallRouter implements SyscallRouting {
  readonly #db: DatabaseSyscalls;

  constructor(
    private readonly host: HostChannel,
    private readonly components: ComponentSet,
    private readonly runner: FunctionRunner,
    private readonly http: HttpBridge,
    private readonly deploymentName: string,
  ) {
    this.#db = new DatabaseSyscalls(host);
  }

  readonly #sync: SyscallHandlers<SyncSyscalls, unknown> = {
    "1.0/queryStream": (execution, args) => this.#db.queryStream(execution, args, isSystemQuery(args.query)),
    "1.0/queryCleanup": (execution, args) => this.#db.queryCleanup(execution, args),
    "1.0/db/normalizeId": (execution, args) => this.#db.normalizeId(execution, args),
    "1.0/getSnapshotTs": (execution) => this.#db.snapshotTs(execution),
  };

  readonly #async: SyscallHandlers<AsyncSyscalls, unknown> = {
    "1.0/get": (execution, args) => this.#db.get(execution, args),
    "1.0/queryStreamNext": (execution, args) => this.#db.queryStreamNext(execution, args),
    "1.0/queryPage": (execution, args) => this.#db.queryPage(execution, args),
    "1.0/count": (execution, args) => this.#db.count(execution, args),
    "1.0/insert": (execution, args) => this.#db.write(execution, "db/insert", args),
    "1.0/shallowMerge": (execution, args) => this.#db.write(execution, "db/shallowMerge", args),
    "1.0/replace": (execution, args) => this.#db.write(execution, "db/replace", args),
    "1.0/remove": (execution, args) => this.#db.write(execution, "db/remove", args),
    "1.0/getTransactionMetrics": (execution) => {
      if (!execution.tx) throw new SyscallError("Unknown async operation 1.0/getTransactionMetrics");
      return this.host.call(execution.id, "tx/metrics", { txId: execution.tx.id });
    },
    "1.0/runUdf": (execution, args) => this.#runNested(execution, args),
    "1.0/actions/query": (execution, args) => this.#runFromAction(execution, "query", args),
    "1.0/actions/mutation": (execution, args) => this.#runFromAction(execution, "mutation", args),
    "1.0/actions/action": (execution, args) => this.#runFromAction(execution, "action", args),
    "1.0/createFunctionHandle": (execution, args) => this.#createHandle(execution, args),
    "1.0/schedule": async (execution, args) => this.#hostOp(execution, "1.0/schedule", await this.#scheduleCall(execution, args)),
    "1.0/actions/schedule": async (execution, args) =>
      this.#hostOp(execution, "1.0/actions/schedule", await this.#scheduleCall(execution, args)),
    "1.0/getFunctionMetadata": (execution) => ({ name: functionNameOf(execution), componentPath: execution.component }),
    "1.0/getDeploymentMetadata": () => ({ name: this.deploymentName, region: null, class: "local" }),
    "1.0/getRequestMetadata": (execution) => {
      if (execution.udfType === "query") throw new SyscallError("getRequestMetadata() is not available in queries");
      return {
        ip: execution.request.ip,
        userAgent: execution.request.userAgent,
        requestId: execution.requestId,
        scheduledFunctionId: execution.request.scheduledFunctionId,
        authToken: execution.authToken,
      };
    },
    // Components have no `ctx.auth` (docs: components/authoring, "Authentication via ctx.auth").
    "1.0/getUserIdentity": (execution) =>
      execution.component !== "" ? null : this.host.call(execution.id, "auth/getUserIdentity", { token: execution.authToken }),
  };

  readonly #js: SyscallHandlers<JsSyscalls, unknown> = {
    requestFromConvexJson: (_execution, args) => this.http.requestFromConvexJson(args.convexJson),
    convexJsonFromResponse: (_execution, args) => this.http.convexJsonFromResponse(args.response),
    // performJsSyscall passes rejections through untouched: they must be Errors, as the backend's.
    "storage/storeBlob": (execution, args) => this.#storeBlob(execution, args).catch(rethrowAsError),
    "storage/getBlob": (execution, args) => this.#getBlob(execution, args).catch(rethrowAsError),
  };

  // `args` below is the package's JSON (JavaScript values for jsSyscall) as user code passed it: it
  // goes to the handler the syscall's name picks, typed as the package sends it (convex-syscalls.ts).

  syscall(execution: Execution, op: string, args: unknown): unknown {
    const handler = handlerOf(this.#sync, op);
    if (handler === undefined) throw new Error(unsupportedOpMessage(op));
    return handler(execution, args as never);
  }

  async asyncSyscall(execution: Execution, op: string, args: unknown): Promise<unknown> {
    this.runner.checkUserTime(execution);
    try {
      const handler = handlerOf(this.#async, op);
      if (handler !== undefined) return await handler(execution, args as never);
      // Storage, scheduler and function handle ops live in the host.
      if (isFeatureOp(op)) return await this.#hostOp(execution, op, args as never);
      throw new Error(unsupportedOpMessage(op));
    } catch (error) {
      throw toRejection(error);
    } finally {
      this.runner.markResumed(execution);
      this.host.setRunningSlot(execution.slot);
    }
  }

  jsSyscall(execution: Execution, op: string, args: unknown): unknown {
    const handler = handlerOf(this.#js, op);
    if (handler === undefined) throw new Error(unsupportedOpMessage(op));
    return handler(execution, args as never);
  }

  /** `ctx.storage.store(blob)` in actions: the bytes cross to the host, which keeps the file. */
  async #storeBlob(execution: Execution, args: JsSyscalls["storage/storeBlob"]): Promise<string> {
    if (!(args.blob instanceof Blob)) {
      // The backend's text (npm-packages/udf-runtime/src/storage.ts).
      throw new Error(
        "store() expects a Blob. If you are trying to store a Request, `await request.blob()` will give you the correct input.",
      );
    }
    const bytes = await args.blob.arrayBuffer();
    return this.#hostOp(execution, "storage/storeBlob", {
      bytes,
      contentType: args.blob.type || null,
      sha256: args.options?.sha256 ?? null,
    });
  }

  /** `ctx.storage.get(id)` in actions: a Blob with the stored content type, or null. */
  async #getBlob(execution: Execution, args: JsSyscalls["storage/getBlob"]): Promise<Blob | null> {
    const found = await this.#hostOp(execution, "storage/getBlob", { storageId: args.storageId });
    if (!found) return null;
    return new Blob([found.bytes], found.contentType ? { type: found.contentType } : {});
  }

  #hostOp<Op extends FeatureOpName>(execution: Execution, op: Op, args: OpArgs<AsyncOps[Op]>): Promise<OpResult<AsyncOps[Op]>> {
    const caller: OpCaller = {
      udfType: execution.udfType,
      txId: execution.tx?.id ?? null,
      requestId: execution.requestId,
      component: execution.component,
    };
    return this.host.callFor(execution.id, op, args, caller).catch((error: unknown) => {
      throw toRejection(error);
    });
  }

  /** `ctx.runQuery` / `ctx.runMutation` inside a query or mutation: same transaction. */
  async #runNested(execution: Execution, args: AsyncSyscalls["1.0/runUdf"]): Promise<unknown> {
    const udfType = args.udfType === "mutation" ? "mutation" : "query";
    if (udfType === "mutation" && execution.udfType !== "mutation") {
      throw new SyscallError("runMutation can only be called from a mutation or an action");
    }
    const target = await this.#target(execution, args, "runUdf");
    const resolved = this.runner.resolveOrFail(target.component, target.name, udfType, target.publicOnly);
    // A snapshot query reads committed data only; we serve it from the same transaction, which in a
    // query is the same thing and in a mutation is documented as a deviation.
    const json = await this.runner.run(resolved, args.args ?? {}, {
      requestId: execution.requestId,
      caller: "nested",
      parent: execution,
      authToken: authForCallee(execution, target.component),
      request: execution.request,
      inheritTx: execution.tx,
    });
    return new SyscallJson(json);
  }

  /** `ctx.runQuery/runMutation/runAction` from an action or HTTP action: each is its own transaction. */
  async #runFromAction(execution: Execution, udfType: UdfType, args: FunctionAddress & { args?: JSONValue }): Promise<unknown> {
    if (execution.isTransactional) throw new SyscallError(`Unknown async operation 1.0/actions/${udfType}`);
    const target = await this.#target(execution, args, `1.0/actions/${udfType}`);
    const resolved = this.runner.resolveOrFail(target.component, target.name, udfType, target.publicOnly);
    const json = await this.runner.run(resolved, args.args ?? {}, {
      requestId: execution.requestId,
      caller: "nested",
      parent: execution,
      authToken: authForCallee(execution, target.component),
      request: execution.request,
    });
    return new SyscallJson(json);
  }

  /** Where an address points, relative to the calling install; a handle asks the host's table. */
  async #target(execution: Execution, address: FunctionAddress, syscall: string): Promise<CallTarget> {
    const target = parseAddress(this.components, execution.component, address, syscall);
    if (target.kind === "function") return target;
    const found = await this.#hostOp(execution, "handles/resolve", { handle: target.handle });
    // Handles bypass visibility: they are capabilities handed out on purpose.
    return { component: found.component, name: found.name, publicOnly: false };
  }

  /** `createFunctionHandle(ref)`: a handle is returned as is; anything else gets its table row's handle. */
  async #createHandle(execution: Execution, args: FunctionAddress): Promise<unknown> {
    if (typeof args.functionHandle === "string") return args.functionHandle;
    const target = await this.#target(execution, args, "createFunctionHandle");
    return this.#hostOp(execution, "handles/create", { component: target.component, name: target.name });
  }

  /**
   * The scheduler's host ops take the target resolved: its install and name. The job itself is
   * stored with the scheduling install's jobs, as the backend keeps it.
   */
  async #scheduleCall(execution: Execution, args: ScheduleSyscall): Promise<ScheduleCall> {
    const target = await this.#target(execution, args, "scheduler");
    if (target.publicOnly) this.runner.resolveOrFail(target.component, target.name, null, true);
    const { reference: _reference, functionHandle: _handle, ...rest } = args;
    return { ...rest, name: target.name, targetComponent: target.component };
  }
}

/**
 * The identity a callee sees: the backend keeps it only from the app to the app
 * (crates/model/src/components/auth.rs, propagate_component_auth); a component never has one.
 */
function authForCallee(caller: Execution, calleeComponent: string): string | null {
  return caller.component === "" && calleeComponent === "" ? caller.authToken : null;
}

/** The function's name within its install, as `getFunctionMetadata` reports it. */
function functionNameOf(execution: Execution): string {
  const prefix = execution.component === "" ? "" : `${execution.component}/`;
  return execution.identifier.startsWith(prefix) ? execution.identifier.slice(prefix.length) : execution.identifier;
}

function isSystemQuery(query: { source: { tableName?: string; indexName?: string } }): boolean {
  const name = query.source.tableName ?? query.source.indexName ?? "";
  return name.startsWith("_");
}

/** A `{message}` rejection of #hostOp as the Error a JS syscall's caller expects. */
function rethrowAsError(error: unknown): never {
  if (error instanceof Error) throw error;
  throw new Error(error && typeof error === "object" && "message" in error ? String(error.message) : String(error));
}

/** What the package expects a rejected async syscall to look like: `{message, data?}`. */
function toRejection(error: unknown): { message: string; data?: JSONValue } {
  if (error instanceof FunctionFailure) {
    return error.wire.data === undefined ? { message: error.wire.message } : { message: error.wire.message, data: error.wire.data };
  }
  if (error instanceof SyscallError) {
    return error.data === undefined ? { message: error.message } : { message: error.message, data: error.data as JSONValue };
  }
  if (error && typeof error === "object" && "message" in error) {
    const wire = error as { message: string; data?: JSONValue };
    return wire.data === undefined ? { message: String(wire.message) } : { message: String(wire.message), data: wire.data };
  }
  return { message: String(error) };
}

/** The handler of syscall `op`, if it is one of the table's (own keys only: not `toString`). */
function handlerOf<Table>(
  handlers: SyscallHandlers<Table, unknown>,
  op: string,
): ((execution: Execution, args: never) => unknown) | undefined {
  return Object.hasOwn(handlers, op) ? handlers[op as keyof Table] : undefined;
}

// Dispatches every op that convex@1.48 emits. Database ops go through DatabaseSyscalls, nested
// function calls through the FunctionRunner (addressed by name, component reference or function
// handle, see function-address.ts), the rest to the host. An op this runtime does not implement
// fails with a sentence naming the feature (shared/unsupported-ops.ts).
import type { JSONValue } from "../store/types";
import { unsupportedOpMessage } from "../shared/unsupported-ops";
import type { ComponentSet } from "./component-set";
import { SyscallError, type SyscallHandlers } from "./convex-global";
import { DatabaseSyscalls } from "./database-syscalls";
import type { Execution } from "./execution";
import { parseAddress, type FunctionAddress } from "./function-address";
import type { ResolvedFunction } from "./function-registry";
import { FunctionFailure, type FunctionRunner } from "./function-runner";
import type { HostChannel } from "./host-channel";
import type { HttpBridge } from "./http-bridge";
import type { SyscallArgs } from "../shared/protocol";

type UdfType = ResolvedFunction["udfType"];

/** A function an address resolved to: its install and its name there ("messages:send"). */
interface CallTarget {
  component: string;
  name: string;
  /** Reached through a component reference: only public functions are exported. */
  publicOnly: boolean;
}

export class SyscallRouter implements SyscallHandlers {
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

  syscall(execution: Execution, op: string, args: SyscallArgs): unknown {
    switch (op) {
      case "1.0/queryStream":
        return this.#db.queryStream(execution, args, isSystemQuery(args.query));
      case "1.0/queryCleanup":
        return this.#db.queryCleanup(execution, args);
      case "1.0/db/normalizeId":
        return this.#db.normalizeId(execution, args);
      case "1.0/getSnapshotTs":
        return this.#db.snapshotTs(execution);
      default:
        throw new Error(unsupportedOpMessage(op));
    }
  }

  async asyncSyscall(execution: Execution, op: string, args: SyscallArgs): Promise<unknown> {
    this.runner.checkUserTime(execution);
    try {
      return await this.#dispatchAsync(execution, op, args);
    } catch (error) {
      throw toRejection(error);
    } finally {
      this.runner.markResumed(execution);
      this.host.setRunningSlot(execution.slot);
    }
  }

  async #dispatchAsync(execution: Execution, op: string, args: SyscallArgs): Promise<unknown> {
    switch (op) {
      case "1.0/get":
        return this.#db.get(execution, args);
      case "1.0/queryStreamNext":
        return this.#db.queryStreamNext(execution, args);
      case "1.0/queryPage":
        return this.#db.queryPage(execution, args);
      case "1.0/count":
        return this.#db.count(execution, args);
      case "1.0/insert":
        return this.#db.write(execution, "insert", args);
      case "1.0/shallowMerge":
        return this.#db.write(execution, "shallowMerge", args);
      case "1.0/replace":
        return this.#db.write(execution, "replace", args);
      case "1.0/remove":
        return this.#db.write(execution, "remove", args);
      case "1.0/getTransactionMetrics":
        if (!execution.tx) throw new SyscallError(`Unknown async operation ${op}`);
        return this.host.call(execution.id, "tx/metrics", { txId: execution.tx.id });
      case "1.0/runUdf":
        return this.#runNested(execution, args);
      case "1.0/actions/query":
        return this.#runFromAction(execution, "query", args);
      case "1.0/actions/mutation":
        return this.#runFromAction(execution, "mutation", args);
      case "1.0/actions/action":
        return this.#runFromAction(execution, "action", args);
      case "1.0/createFunctionHandle":
        return this.#createHandle(execution, args);
      case "1.0/schedule":
      case "1.0/actions/schedule":
        return this.#hostOp(execution, op, await this.#scheduleArgs(execution, args));
      case "1.0/getFunctionMetadata":
        return { name: functionNameOf(execution), componentPath: execution.component };
      case "1.0/getDeploymentMetadata":
        return { name: this.deploymentName, region: null, class: "local" };
      case "1.0/getRequestMetadata":
        if (execution.udfType === "query") throw new SyscallError("getRequestMetadata() is not available in queries");
        return {
          ip: execution.request.ip,
          userAgent: execution.request.userAgent,
          requestId: execution.requestId,
          scheduledFunctionId: execution.request.scheduledFunctionId,
          authToken: execution.authToken,
        };
      case "1.0/getUserIdentity":
        // Components have no `ctx.auth` (docs: components/authoring, "Authentication via ctx.auth").
        if (execution.component !== "") return null;
        return this.host.call(execution.id, "auth/getUserIdentity", { token: execution.authToken });
      default:
        // Storage, scheduler and auth ops live in the host; it names any op it does not know.
        return this.#hostOp(execution, op, args);
    }
  }

  jsSyscall(execution: Execution, op: string, args: Record<string, SyscallArgs>): unknown {
    switch (op) {
      case "requestFromConvexJson":
        return this.http.requestFromConvexJson(args.convexJson);
      case "convexJsonFromResponse":
        return this.http.convexJsonFromResponse(args.response);
      // performJsSyscall passes rejections through untouched: they must be Errors, as the backend's.
      case "storage/storeBlob":
        return this.#storeBlob(execution, args as { blob: Blob; options?: { sha256?: string } }).catch(rethrowAsError);
      case "storage/getBlob":
        return this.#getBlob(execution, args as { storageId: string }).catch(rethrowAsError);
      default:
        throw new Error(unsupportedOpMessage(op));
    }
  }

  /** `ctx.storage.store(blob)` in actions: the bytes cross to the host, which keeps the file. */
  async #storeBlob(execution: Execution, args: { blob: Blob; options?: { sha256?: string } }): Promise<string> {
    if (!(args.blob instanceof Blob)) {
      // The backend's text (npm-packages/udf-runtime/src/storage.ts).
      throw new Error(
        "store() expects a Blob. If you are trying to store a Request, `await request.blob()` will give you the correct input.",
      );
    }
    const bytes = await args.blob.arrayBuffer();
    return (await this.#hostOp(execution, "storage/storeBlob", {
      bytes,
      contentType: args.blob.type || null,
      sha256: args.options?.sha256 ?? null,
    })) as string;
  }

  /** `ctx.storage.get(id)` in actions: a Blob with the stored content type, or null. */
  async #getBlob(execution: Execution, args: { storageId: string }): Promise<Blob | null> {
    const found = (await this.#hostOp(execution, "storage/getBlob", { storageId: args.storageId })) as {
      bytes: ArrayBuffer;
      contentType: string | null;
    } | null;
    if (!found) return null;
    return new Blob([found.bytes], found.contentType ? { type: found.contentType } : {});
  }

  #hostOp(execution: Execution, op: string, args: unknown): Promise<unknown> {
    return this.host
      .call(execution.id, "op", {
        op,
        args,
        udfType: execution.udfType,
        txId: execution.tx?.id ?? null,
        requestId: execution.requestId,
        component: execution.component,
      })
      .catch((error: unknown) => {
        throw toRejection(error);
      });
  }

  /** `ctx.runQuery` / `ctx.runMutation` inside a query or mutation: same transaction. */
  async #runNested(execution: Execution, args: FunctionAddress & { udfType: string; args?: JSONValue }): Promise<unknown> {
    const udfType = args.udfType === "mutation" ? "mutation" : "query";
    if (udfType === "mutation" && execution.udfType !== "mutation") {
      throw new SyscallError("runMutation can only be called from a mutation or an action");
    }
    const target = await this.#target(execution, args, "runUdf");
    const resolved = this.runner.resolveOrFail(target.component, target.name, udfType, target.publicOnly);
    // A snapshot query reads committed data only; we serve it from the same transaction, which in a
    // query is the same thing and in a mutation is documented as a deviation.
    return this.runner.run(resolved, args.args ?? {}, {
      requestId: execution.requestId,
      caller: "nested",
      parent: execution,
      authToken: authForCallee(execution, target.component),
      request: execution.request,
      inheritTx: execution.tx,
    });
  }

  /** `ctx.runQuery/runMutation/runAction` from an action or HTTP action: each is its own transaction. */
  async #runFromAction(execution: Execution, udfType: UdfType, args: FunctionAddress & { args?: JSONValue }): Promise<unknown> {
    if (execution.isTransactional) throw new SyscallError(`Unknown async operation 1.0/actions/${udfType}`);
    const target = await this.#target(execution, args, `1.0/actions/${udfType}`);
    const resolved = this.runner.resolveOrFail(target.component, target.name, udfType, target.publicOnly);
    return this.runner.run(resolved, args.args ?? {}, {
      requestId: execution.requestId,
      caller: "nested",
      parent: execution,
      authToken: authForCallee(execution, target.component),
      request: execution.request,
    });
  }

  /** Where an address points, relative to the calling install; a handle asks the host's table. */
  async #target(execution: Execution, address: FunctionAddress, syscall: string): Promise<CallTarget> {
    const target = parseAddress(this.components, execution.component, address, syscall);
    if (target.kind === "function") return target;
    const found = (await this.#hostOp(execution, "handles/resolve", { handle: target.handle })) as { component: string; name: string };
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
  async #scheduleArgs(execution: Execution, args: FunctionAddress & Record<string, unknown>): Promise<Record<string, unknown>> {
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

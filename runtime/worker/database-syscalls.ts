// The database half of the syscall ABI. Queries stream in batches from the host; everything that
// touches documents goes to the host, which owns the transaction.
import { convexToJson } from "convex/values";
import type { DocumentJSON, QueryPageArgs, QueryPageResult, SerializedQuery } from "../shared/wire-values";
import type { AsyncOps, OpArgs } from "../shared/host-ops";
import type { Execution } from "./execution";
import type { HostChannel } from "./host-channel";
import { SyscallError, SyscallJson } from "./convex-global";

const BATCH_SIZE = 256;

/** The write ops, with the method of `ctx.db` each serves (named in the error outside a mutation). */
const WRITE_METHODS = {
  "db/insert": "db.insert",
  "db/shallowMerge": "db.patch",
  "db/replace": "db.replace",
  "db/remove": "db.delete",
} as const;
type WriteOp = keyof typeof WRITE_METHODS;
let nextQueryId = 1;

function requireTransaction(execution: Execution, what: string) {
  if (!execution.tx) throw new SyscallError(`${what} is only available in queries and mutations`);
  return execution.tx;
}

function requireWrite(execution: Execution, what: string) {
  const tx = requireTransaction(execution, what);
  if (tx.mode !== "write" || execution.udfType !== "mutation") {
    throw new SyscallError(`${what} can only be called from a mutation`);
  }
  return tx;
}

/** A trailing `limit` operator (from take/first/unique) bounds how much we ask the host for. */
function trailingLimit(query: SerializedQuery): number {
  const last = query.operators[query.operators.length - 1];
  return last && "limit" in last ? last.limit : Number.POSITIVE_INFINITY;
}

export class DatabaseSyscalls {
  constructor(private readonly host: HostChannel) {}

  queryStream(execution: Execution, args: { query: SerializedQuery }, isSystem: boolean): { queryId: number } {
    requireTransaction(execution, "db.query");
    const queryId = nextQueryId++;
    execution.queries.set(queryId, {
      query: args.query,
      isSystem,
      position: null,
      buffer: [],
      done: false,
      remaining: trailingLimit(args.query),
    });
    return { queryId };
  }

  queryCleanup(execution: Execution, args: { queryId: number }): boolean {
    return execution.queries.delete(args.queryId);
  }

  /** `{ value, done }`: the next document, in JSON text as the host sent it (see SyscallJson). */
  async queryStreamNext(execution: Execution, args: { queryId: number }): Promise<SyscallJson | { value: null; done: true }> {
    const tx = requireTransaction(execution, "db.query");
    const state = execution.queries.get(args.queryId);
    if (!state) throw new SyscallError(`Query ${args.queryId} is not open (it was already closed or belongs to another function)`);
    if (state.buffer.length === 0 && !state.done && state.remaining > 0) {
      const batch = await this.host.call(execution.id, "db/queryBatch", {
        txId: tx.id,
        component: execution.component,
        query: state.query,
        position: state.position,
        maxDocs: Math.min(BATCH_SIZE, state.remaining),
        isSystem: state.isSystem,
      });
      state.buffer.push(...batch.docs);
      state.position = batch.position;
      state.done = batch.done;
    }
    const value = state.remaining > 0 ? state.buffer.shift() : undefined;
    if (value === undefined) return { value: null, done: true };
    state.remaining -= 1;
    // What JSON.stringify({ value: document, done: false }) gives: the text is the document's own.
    return new SyscallJson(`{"value":${value},"done":false}`);
  }

  async queryPage(execution: Execution, args: QueryPageArgs): Promise<QueryPageResult> {
    const tx = requireTransaction(execution, "paginate()");
    if (execution.paginated) {
      throw new SyscallError(
        "This query or mutation function ran multiple paginated queries. Convex only supports a single paginated query in each function.",
      );
    }
    execution.paginated = true;
    return this.host.call(execution.id, "db/queryPage", { ...args, txId: tx.id, component: execution.component });
  }

  async get(execution: Execution, args: { id: string; isSystem?: boolean; table?: string }): Promise<DocumentJSON | null> {
    const tx = requireTransaction(execution, "db.get");
    return this.host.call(execution.id, "db/get", {
      txId: tx.id,
      component: execution.component,
      id: args.id,
      isSystem: args.isSystem ?? false,
      table: args.table,
    });
  }

  async count(execution: Execution, args: { table: string }): Promise<number> {
    const tx = requireTransaction(execution, "count()");
    return this.host.call(execution.id, "db/count", { txId: tx.id, component: execution.component, table: args.table });
  }

  /** `args` as the package sent them; the host's op gets them with the transaction and the install. */
  async write<Op extends WriteOp>(execution: Execution, op: Op, args: Omit<OpArgs<AsyncOps[Op]>, "txId" | "component">) {
    const tx = requireWrite(execution, WRITE_METHODS[op]);
    return this.host.call(execution.id, op, { ...args, txId: tx.id, component: execution.component } as OpArgs<AsyncOps[Op]>);
  }

  normalizeId(execution: Execution, args: { table: string; idString: string }): { id: string | null } {
    const tx = requireTransaction(execution, "db.normalizeId");
    return this.host.syncCall(execution.id, "db/normalizeId", {
      txId: tx.id,
      component: execution.component,
      table: args.table,
      idString: args.idString,
    });
  }

  snapshotTs(execution: Execution): unknown {
    const tx = requireTransaction(execution, "getSnapshotTs()");
    return convexToJson(BigInt(tx.snapshotTs));
  }
}

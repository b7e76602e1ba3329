// The host's answers to the worker's database calls. Every call names its transaction; the store
// does the work synchronously (sql.js is synchronous), so a call never interleaves with a commit.
import { ComponentDocuments, tableNameInComponent } from "../store/component-documents";
import { ROOT_COMPONENT } from "../store/namespaces";
import { isSystemTableName } from "../store/catalog";
import type { DocumentJSON, JSONValue, StorePort } from "./store-port";
import type { ReadTransaction, SerializedQuery } from "../store/types";
import { TRANSACTION_LIMITS, type OpenTransaction, type TransactionTable } from "./transactions";
import type { DATABASE_OPS, SYNC_OPS, TransactionMetrics, TransactionRef } from "../shared/host-ops";
import type { PlainHandlers, SyncHandlers } from "./op-handlers";

function sizeOf(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}

function countRead(entry: OpenTransaction, docs: Array<DocumentJSON | null>): void {
  for (const doc of docs) {
    if (!doc) continue;
    entry.metrics.documentsRead += 1;
    entry.metrics.bytesRead += sizeOf(doc);
  }
}

/** countRead for documents as their JSON text: the text is what `sizeOf` would have stringified. */
function countReadJson(entry: OpenTransaction, docs: string[]): void {
  entry.metrics.documentsRead += docs.length;
  for (const json of docs) entry.metrics.bytesRead += json.length;
}

export type CommitListener = (info: { txId: number; ts: bigint }) => void;

export class DatabaseOps {
  /** Called after a transaction's writes are durable; e.g. the scheduler arms jobs it created. */
  readonly onCommit = new Set<CommitListener>();
  /** Called when a write transaction ends without committing (its writes are gone). */
  readonly onAbort = new Set<(info: { txId: number }) => void>();

  constructor(
    private readonly store: StorePort,
    private readonly transactions: TransactionTable,
    /** The request of a running execution (ExecutionEvents.requestIdOf). */
    private readonly requestIdOf: (execId: string) => string | null = () => null,
  ) {}

  /** The async ops: transactions, and documents inside them. */
  readonly handlers: PlainHandlers<typeof DATABASE_OPS> = {
    "tx/begin": (args, worker, execId) => this.#begin(worker, args.mode, execId),
    "tx/commit": (args, worker) => this.#commit(worker, args.txId),
    "tx/end": (args, worker) => this.#end(worker, args.txId),
    "tx/savepoint": (args, worker) => this.transactions.write(args.txId, worker).savepoint(),
    "tx/release": (args, worker) => {
      this.transactions.write(args.txId, worker).release(args.savepoint);
      return null;
    },
    "tx/rollback": (args, worker) => {
      this.transactions.write(args.txId, worker).rollbackTo(args.savepoint);
      return null;
    },
    "tx/metrics": (args, worker) => this.#metrics(this.transactions.get(args.txId, worker)),
    "db/get": (args, worker) => {
      const entry = this.transactions.get(args.txId, worker);
      const doc = this.#documents(entry.tx, args).get(args.id, { table: args.table, isSystem: args.isSystem });
      countRead(entry, [doc]);
      return doc;
    },
    "db/queryBatch": (args, worker) => {
      const entry = this.transactions.get(args.txId, worker);
      if (args.position === null) entry.metrics.databaseQueries += 1;
      const batch = this.#documents(entry.tx, args).queryBatchJson(args.query, args.position, args.maxDocs, { isSystem: args.isSystem });
      countReadJson(entry, batch.docs);
      return batch;
    },
    "db/queryPage": (args, worker) => {
      const entry = this.transactions.get(args.txId, worker);
      entry.metrics.databaseQueries += 1;
      const { txId: _txId, component: _component, ...pageArgs } = args;
      // The package's JSON as it came: `query` is checked by the store, after this.
      const isSystem = isSystemSource((args.query as Partial<SerializedQuery> | undefined)?.source);
      const result = this.#documents(entry.tx, args).queryPage(pageArgs, { isSystem });
      countRead(entry, result.page);
      return result;
    },
    "db/count": (args, worker) => this.#documents(this.transactions.get(args.txId, worker).tx, args).count(args.table),
    "db/insert": (args, worker) => {
      const entry = this.transactions.get(args.txId, worker);
      const id = this.#documents(this.transactions.write(args.txId, worker), args).insert(args.table, args.value);
      this.#countWrite(entry, args.value);
      return { _id: id };
    },
    "db/shallowMerge": (args, worker) => {
      const entry = this.transactions.get(args.txId, worker);
      const doc = this.#documents(this.transactions.write(args.txId, worker), args).patch(args.id, args.value, { table: args.table });
      this.#countWrite(entry, doc);
      return doc;
    },
    "db/replace": (args, worker) => {
      const entry = this.transactions.get(args.txId, worker);
      const doc = this.#documents(this.transactions.write(args.txId, worker), args).replace(args.id, args.value, { table: args.table });
      this.#countWrite(entry, doc);
      return doc;
    },
    "db/remove": (args, worker) => {
      const entry = this.transactions.get(args.txId, worker);
      const doc = this.#documents(this.transactions.write(args.txId, worker), args).remove(args.id, { table: args.table });
      this.#countWrite(entry, doc);
      return doc;
    },
  };

  /** The sync ops (the worker is blocked on them). */
  readonly syncHandlers: SyncHandlers<typeof SYNC_OPS> = {
    "db/normalizeId": (args, worker) => ({
      id: this.#documents(this.transactions.get(args.txId, worker).tx, args).normalizeId(args.table, args.idString),
    }),
    // `v.id("t")` in a component's validators names the component's own table "t".
    "db/tableNameOfId": (args) => ({ table: tableNameInComponent(this.store.tableNameOfId(args.id), args.component ?? ROOT_COMPONENT) }),
  };

  async #begin(worker: number, mode: "read" | "write", execId: string | undefined): Promise<TransactionRef> {
    // Read before waiting for the lock: the execution is running now (its start came first).
    const requestId = execId === undefined ? null : this.requestIdOf(execId);
    const tx = mode === "write" ? await this.store.beginWrite() : await this.store.beginRead();
    const entry = this.transactions.add(worker, mode, tx, requestId);
    return { id: entry.id, mode, snapshotTs: tx.snapshotTs.toString() };
  }

  #commit(worker: number, txId: number): null {
    const { requestId } = this.transactions.get(txId, worker);
    const tx = this.transactions.write(txId, worker);
    this.transactions.close(txId);
    let result: { ts: bigint };
    try {
      result = tx.commit({ requestId });
    } catch (error) {
      // The commit was rolled back (its log entry could not be written): its writes are gone.
      for (const listener of this.onAbort) listener({ txId });
      throw error;
    }
    for (const listener of this.onCommit) listener({ txId, ts: result.ts });
    return null;
  }

  #end(worker: number, txId: number): null {
    const entry = this.transactions.get(txId, worker);
    this.transactions.close(txId);
    if (entry.mode === "write") {
      (entry.tx as { abort(): void }).abort();
      for (const listener of this.onAbort) listener({ txId });
    } else entry.tx.end();
    return null;
  }

  /** The calling component's view of the transaction (`args.component`, the app when absent). */
  #documents(tx: ReadTransaction, args: { component?: string }): ComponentDocuments {
    return new ComponentDocuments(tx, args.component ?? ROOT_COMPONENT, this.#tableOfId);
  }

  readonly #tableOfId = (id: string): string | null => this.store.tableNameOfId(id);

  #countWrite(entry: OpenTransaction, value: JSONValue): void {
    entry.metrics.documentsWritten += 1;
    entry.metrics.bytesWritten += sizeOf(value);
  }

  #metrics(entry: OpenTransaction): TransactionMetrics {
    const used: Record<string, number> = { ...entry.metrics, functionsScheduled: 0, scheduledFunctionArgsBytes: 0 };
    const metrics: TransactionMetrics = {};
    for (const [name, limit] of Object.entries(TRANSACTION_LIMITS)) {
      const value = used[name] ?? 0;
      metrics[name] = { used: value, remaining: Math.max(0, limit - value) };
    }
    return metrics;
  }
}

function isSystemSource(source: { tableName?: string; indexName?: string } | undefined): boolean {
  return isSystemTableName(source?.tableName ?? (source?.indexName ?? "").split(".")[0] ?? "");
}

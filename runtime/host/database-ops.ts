// The host's answers to the worker's database calls. Every call names its transaction; the store
// does the work synchronously (sql.js is synchronous), so a call never interleaves with a commit.
import { ComponentDocuments, tableNameInComponent } from "../store/component-documents";
import { ROOT_COMPONENT } from "../store/namespaces";
import { isSystemTableName } from "../store/catalog";
import type { DocumentJSON, JSONValue, QueryBatch, QueryPageResult, StorePort } from "./store-port";
import type { ReadTransaction } from "../store/types";
import { TRANSACTION_LIMITS, type OpenTransaction, type TransactionTable } from "./transactions";
import type { SyscallArgs } from "../shared/protocol";

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

export type CommitListener = (info: { txId: number; ts: bigint }) => void;

export class DatabaseOps {
  /** Called after a transaction's writes are durable; e.g. the scheduler arms jobs it created. */
  readonly onCommit = new Set<CommitListener>();
  /** Called when a write transaction ends without committing (its writes are gone). */
  readonly onAbort = new Set<(info: { txId: number }) => void>();

  constructor(
    private readonly store: StorePort,
    private readonly transactions: TransactionTable,
  ) {}

  async begin(worker: number, mode: "read" | "write"): Promise<{ id: number; mode: string; snapshotTs: string }> {
    const tx = mode === "write" ? await this.store.beginWrite() : await this.store.beginRead();
    const entry = this.transactions.add(worker, mode, tx);
    return { id: entry.id, mode, snapshotTs: tx.snapshotTs.toString() };
  }

  /** Async ops; `args.txId` names the transaction. */
  handle(worker: number, op: string, args: SyscallArgs): unknown {
    switch (op) {
      case "tx/commit": {
        const tx = this.transactions.write(args.txId, worker);
        this.transactions.close(args.txId);
        let result: { ts: bigint };
        try {
          result = tx.commit();
        } catch (error) {
          // The commit was rolled back (its log entry could not be written): its writes are gone.
          for (const listener of this.onAbort) listener({ txId: args.txId });
          throw error;
        }
        for (const listener of this.onCommit) listener({ txId: args.txId, ts: result.ts });
        return null;
      }
      case "tx/end": {
        const entry = this.transactions.get(args.txId, worker);
        this.transactions.close(args.txId);
        if (entry.mode === "write") {
          (entry.tx as { abort(): void }).abort();
          for (const listener of this.onAbort) listener({ txId: args.txId });
        } else entry.tx.end();
        return null;
      }
      case "tx/savepoint":
        return this.transactions.write(args.txId, worker).savepoint();
      case "tx/release":
        this.transactions.write(args.txId, worker).release(args.savepoint);
        return null;
      case "tx/rollback":
        this.transactions.write(args.txId, worker).rollbackTo(args.savepoint);
        return null;
      case "tx/metrics":
        return this.#metrics(this.transactions.get(args.txId, worker));
      case "db/get": {
        const entry = this.transactions.get(args.txId, worker);
        const doc = this.#documents(entry.tx, args).get(args.id, { table: args.table, isSystem: args.isSystem });
        countRead(entry, [doc]);
        return doc;
      }
      case "db/queryBatch": {
        const entry = this.transactions.get(args.txId, worker);
        if (args.position === null) entry.metrics.databaseQueries += 1;
        const batch: QueryBatch = this.#documents(entry.tx, args).queryBatch(args.query, args.position, args.maxDocs, {
          isSystem: args.isSystem,
        });
        countRead(entry, batch.docs);
        return batch;
      }
      case "db/queryPage": {
        const entry = this.transactions.get(args.txId, worker);
        entry.metrics.databaseQueries += 1;
        const { txId: _txId, component: _component, ...pageArgs } = args;
        const isSystem = isSystemSource(args.query?.source);
        const result: QueryPageResult = this.#documents(entry.tx, args).queryPage(pageArgs, { isSystem });
        countRead(entry, result.page);
        return result;
      }
      case "db/count":
        return this.#documents(this.transactions.get(args.txId, worker).tx, args).count(args.table);
      case "db/insert": {
        const entry = this.transactions.get(args.txId, worker);
        const id = this.#documents(this.transactions.write(args.txId, worker), args).insert(args.table, args.value);
        this.#countWrite(entry, args.value);
        return { _id: id };
      }
      case "db/shallowMerge": {
        const entry = this.transactions.get(args.txId, worker);
        const doc = this.#documents(this.transactions.write(args.txId, worker), args).patch(args.id, args.value, { table: args.table });
        this.#countWrite(entry, doc);
        return doc;
      }
      case "db/replace": {
        const entry = this.transactions.get(args.txId, worker);
        const doc = this.#documents(this.transactions.write(args.txId, worker), args).replace(args.id, args.value, { table: args.table });
        this.#countWrite(entry, doc);
        return doc;
      }
      case "db/remove": {
        const entry = this.transactions.get(args.txId, worker);
        const doc = this.#documents(this.transactions.write(args.txId, worker), args).remove(args.id, { table: args.table });
        this.#countWrite(entry, doc);
        return doc;
      }
      default:
        return undefined;
    }
  }

  /** Sync ops (the worker is blocked on them). */
  handleSync(worker: number, op: string, args: SyscallArgs): unknown {
    switch (op) {
      case "db/normalizeId":
        return { id: this.#documents(this.transactions.get(args.txId, worker).tx, args).normalizeId(args.table, args.idString) };
      case "db/tableNameOfId":
        // `v.id("t")` in a component's validators names the component's own table "t".
        return { table: tableNameInComponent(this.store.tableNameOfId(args.id), args.component ?? ROOT_COMPONENT) };
      default:
        throw new Error(`Unknown operation ${op}`);
    }
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

  #metrics(entry: OpenTransaction): Record<string, { used: number; remaining: number }> {
    const used: Record<string, number> = { ...entry.metrics, functionsScheduled: 0, scheduledFunctionArgsBytes: 0 };
    const metrics: Record<string, { used: number; remaining: number }> = {};
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

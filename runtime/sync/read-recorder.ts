// Records the read set of each query run the sync protocol starts. The runtime's host services
// hand it the database calls of the executions it follows (every execution of a followed request:
// nested queries and component calls share the transaction); it notes what each call read, and
// pins a paginated read to the end cursor of the query's journal, as the backend does.
import type { DatabaseCallWatcher } from "../host/host-services";
import type { ExecutionEvents } from "../host/execution-events";
import { BY_CREATION_TIME, BY_ID, keyFieldsFor } from "../store/catalog";
import { compileIndexRange } from "../store/index-range";
import { splitFieldPath } from "../store/json-values";
import { ROOT_COMPONENT, storedIndexName, storedTableName } from "../store/namespaces";
import type { AsyncCall, TransactionRef } from "../shared/host-ops";
import type { DocumentJSON, QueryPageResult, QueryBatchJson, SchemaInfo, SerializedQuery } from "../store/types";
import { ReadSet } from "./read-set";
import type { QueryJournal } from "./protocol";

/** One run of a subscribed query: what it read, at which snapshot, and the journal it leaves. */
export class QueryRunRecord {
  readonly reads = new ReadSet();
  /** The snapshot its transaction read (null until the transaction began). */
  snapshotTs: bigint | null = null;
  /** The end cursor of its paginated read: from the journal it ran with, else where its page ended. */
  endCursor: string | null;

  constructor(journal: QueryJournal) {
    this.endCursor = endCursorOf(journal);
  }

  get journal(): QueryJournal {
    return this.endCursor === null ? null : JSON.stringify({ endCursor: this.endCursor });
  }
}

/** The end cursor a journal holds; a journal we cannot read pins nothing (the page is read afresh). */
function endCursorOf(journal: QueryJournal | undefined): string | null {
  if (typeof journal !== "string") return null;
  try {
    const parsed = JSON.parse(journal) as { endCursor?: unknown };
    return typeof parsed.endCursor === "string" ? parsed.endCursor : null;
  } catch {
    return null;
  }
}

export class ReadRecorder implements DatabaseCallWatcher {
  readonly #byRequest = new Map<string, QueryRunRecord>();
  readonly #byExecution = new Map<string, QueryRunRecord>();
  readonly #stopListening: () => void;

  constructor(
    events: ExecutionEvents,
    /** The schema applied now (stored table names): the key fields of each index. */
    private readonly schema: () => SchemaInfo | null,
  ) {
    this.#stopListening = events.listen({
      onStart: (start) => {
        const record = this.#byRequest.get(start.requestId);
        if (record) this.#byExecution.set(start.execId, record);
      },
      onEnd: (end) => this.#byExecution.delete(end.execId),
    });
  }

  /** Records the reads of the request `requestId` until `forget`. */
  record(requestId: string, journal: QueryJournal): QueryRunRecord {
    const record = new QueryRunRecord(journal);
    this.#byRequest.set(requestId, record);
    return record;
  }

  forget(requestId: string): void {
    const record = this.#byRequest.get(requestId);
    this.#byRequest.delete(requestId);
    // Executions of a worker that died never report their end.
    for (const [execId, followed] of this.#byExecution) if (followed === record) this.#byExecution.delete(execId);
  }

  close(): void {
    this.#stopListening();
  }

  follows(execId: string): boolean {
    return this.#byExecution.has(execId);
  }

  before(execId: string, call: AsyncCall): void {
    if (call.op !== "db/queryPage" || call.args.endCursor !== null) return;
    const endCursor = this.#byExecution.get(execId)?.endCursor ?? null;
    if (endCursor !== null) call.args.endCursor = endCursor;
  }

  after(execId: string, call: AsyncCall, result: unknown): void {
    const record = this.#byExecution.get(execId);
    if (!record) return;
    const reads = record.reads;
    switch (call.op) {
      case "tx/begin":
        record.snapshotTs ??= BigInt((result as TransactionRef).snapshotTs);
        return;
      case "db/get":
        reads.ids.add(call.args.id);
        return;
      case "db/count":
        reads.tables.add(storedTableName(call.args.component ?? ROOT_COMPONENT, call.args.table));
        return;
      case "db/queryBatch":
        this.#query(reads, call.args.component ?? ROOT_COMPONENT, call.args.query);
        for (const json of (result as QueryBatchJson).docs) reads.ids.add((JSON.parse(json) as DocumentJSON)._id);
        return;
      case "db/queryPage": {
        const page = result as QueryPageResult;
        this.#query(reads, call.args.component ?? ROOT_COMPONENT, call.args.query);
        addIds(reads, page.page);
        record.endCursor = call.args.endCursor ?? page.continueCursor;
        return;
      }
      default:
        return;
    }
  }

  /** The range a query's source reads; a whole table when the range cannot be told. */
  #query(reads: ReadSet, component: string, query: SerializedQuery): void {
    const source = query.source;
    if (source.type === "FullTableScan") {
      reads.tables.add(storedTableName(component, source.tableName));
      return;
    }
    const stored = storedIndexName(component, source.indexName);
    const dot = stored.lastIndexOf(".");
    const table = stored.slice(0, dot);
    const index = stored.slice(dot + 1);
    const declared = this.#declaredFields(table, index);
    if (source.type === "Search" || declared === null) {
      reads.tables.add(table);
      return;
    }
    const keyFields = keyFieldsFor(index, declared);
    try {
      const { lo, hi } = compileIndexRange(stored, keyFields, source.range);
      reads.ranges.push({ table, keyPaths: keyFields.map(splitFieldPath), lo, hi });
    } catch {
      // The query failed on this range; its result is an error that any write to the table may change.
      reads.tables.add(table);
    }
  }

  /** The declared fields of an index ([] for the built-in ones), or null when there is no such index. */
  #declaredFields(table: string, index: string): string[] | null {
    if (index === BY_ID || index === BY_CREATION_TIME) return [];
    const declared = this.schema()?.tables.find((t) => t.tableName === table);
    return declared?.indexes.find((i) => i.indexDescriptor === index)?.fields ?? null;
  }
}

function addIds(reads: ReadSet, docs: ReadonlyArray<DocumentJSON | null>): void {
  for (const doc of docs) if (doc) reads.ids.add(doc._id);
}

// One component's view of a transaction: the document operations user code reaches through
// `ctx.db`, confined to that component's namespace (see namespaces.ts). Table names go in
// qualified and error texts come back in the component's own terms, so a component sees
// "messages" where the store says "twilio/messages". An ID of another namespace names no
// document here, as an ID of another deployment would: reads give null, writes fail as for a
// deleted document. Transaction control (commit, savepoints) stays with the caller.
import { checkTableName } from "./document-rules";
import { invalidArgument, nonexistentDocument, StoreError } from "./errors";
import { inNamespace, ROOT_COMPONENT, storedIndexName, storedTableName } from "./namespaces";
import type {
  DocumentJSON,
  JSONValue,
  QueryBatch,
  QueryBatchJson,
  QueryPageArgs,
  QueryPageResult,
  ReadTransaction,
  SerializedQuery,
  WriteTransaction,
} from "./types";

/** A stored table name as `component` names it, or null when the table is not one of its own. */
export function tableNameInComponent(stored: string | null, component: string): string | null {
  if (stored === null || !inNamespace(stored, component)) return null;
  return component === ROOT_COMPONENT ? stored : stored.slice(component.length + 1);
}

type Fields = { [key: string]: JSONValue };
type WriteOptions = { table?: string; isSystem?: boolean };

export class ComponentDocuments {
  constructor(
    private readonly tx: ReadTransaction,
    readonly component: string,
    /** The stored table name of an ID, or null (the store's table registry). */
    private readonly tableOfId: (id: string) => string | null,
  ) {}

  get(id: string, options: WriteOptions = {}): DocumentJSON | null {
    return this.#translated(() => {
      if (this.#foreign(id)) return null;
      return this.tx.get(id, this.#options(options));
    });
  }

  queryBatch(query: SerializedQuery, position: string | null, maxDocs: number, options: { isSystem?: boolean } = {}): QueryBatch {
    return this.#translated(() => this.tx.queryBatch(this.#query(query), position, maxDocs, options));
  }

  queryBatchJson(query: SerializedQuery, position: string | null, maxDocs: number, options: { isSystem?: boolean } = {}): QueryBatchJson {
    return this.#translated(() => this.tx.queryBatchJson(this.#query(query), position, maxDocs, options));
  }

  queryPage(args: QueryPageArgs, options: { isSystem?: boolean } = {}): QueryPageResult {
    return this.#translated(() => this.tx.queryPage({ ...args, query: this.#query(args.query) }, options));
  }

  count(table: string): number {
    return this.#translated(() => this.tx.count(this.#table("count", table)));
  }

  normalizeId(table: string, idString: string): string | null {
    return this.#translated(() => {
      // A table number (decimal) is accepted for the component's own tables only.
      if (/^[0-9]+$/.test(table)) {
        const id = this.tx.normalizeId(table, idString);
        return id !== null && !this.#foreign(id) ? id : null;
      }
      return this.tx.normalizeId(this.#table("db.normalizeId", table), idString);
    });
  }

  insert(table: string, value: Fields, options: { isSystem?: boolean } = {}): string {
    return this.#translated(() => this.#writer().insert(this.#table("db.insert", table), value, options));
  }

  patch(id: string, value: Fields, options: WriteOptions = {}): DocumentJSON {
    return this.#translated(() => this.#writer().patch(this.#owned("Update", id), value, this.#options(options)));
  }

  replace(id: string, value: Fields, options: WriteOptions = {}): DocumentJSON {
    return this.#translated(() => this.#writer().replace(this.#owned("Replace", id), value, this.#options(options)));
  }

  remove(id: string, options: WriteOptions = {}): DocumentJSON {
    return this.#translated(() => this.#writer().remove(this.#owned("Delete", id), this.#options(options)));
  }

  #writer(): WriteTransaction {
    return this.tx as WriteTransaction;
  }

  /** True for an ID of an existing table in another namespace. */
  #foreign(id: string): boolean {
    const stored = this.tableOfId(id);
    return stored !== null && !inNamespace(stored, this.component);
  }

  #owned(op: "Update" | "Replace" | "Delete", id: string): string {
    if (this.#foreign(id)) throw nonexistentDocument(op, id);
    return id;
  }

  /** User code names tables with plain identifiers; a "/" would reach into another namespace. */
  #table(syscall: string, table: string): string {
    if (typeof table === "string" && table.includes("/")) checkTableName(syscall, table);
    return storedTableName(this.component, table);
  }

  #options(options: WriteOptions): WriteOptions {
    return options.table === undefined ? options : { ...options, table: this.#table("db.get", options.table) };
  }

  #query(query: SerializedQuery): SerializedQuery {
    const source = query.source;
    if (source.type === "FullTableScan") return { ...query, source: { ...source, tableName: this.#table("db.query", source.tableName) } };
    if (source.indexName.includes("/"))
      throw invalidArgument("db.query", "index", `Invalid index name ${JSON.stringify(source.indexName)}`);
    return { ...query, source: { ...source, indexName: storedIndexName(this.component, source.indexName) } };
  }

  /** Runs a store call; a StoreError's text loses the component prefix it would show. */
  #translated<T>(call: () => T): T {
    if (this.component === ROOT_COMPONENT) return call();
    try {
      return call();
    } catch (error) {
      if (error instanceof Error) error.message = error.message.split(`${this.component}/`).join("");
      if (error instanceof StoreError && error.stack) error.stack = error.stack.split(`${this.component}/`).join("");
      throw error;
    }
  }
}

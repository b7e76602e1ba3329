// Turns a SerializedQuery into a plan: which index to scan, the key interval, the scan order,
// and the compiled operators. All validation (unknown index, range rules, system tables, search
// filters) happens here, before any document is read, as in the backend.
import { BY_CREATION_TIME, BY_ID, type Catalog, type IndexDef, isSystemTableName, keyFieldsFor } from "./catalog";
import { queryFingerprint } from "./cursor";
import { indexNotFound, indexStaged, StoreError, systemTableGuard } from "./errors";
import { compileFilter } from "./filter-expr";
import { compileIndexRange, type KeyInterval } from "./index-range";
import { type CompiledSearch, compileSearch } from "./search";
import { notASearchIndex } from "./search-errors";
import type { SearchIndexes } from "./search-indexes";
import type { SearchIndexDef } from "./search-terms";
import type { DocumentJSON, SchemaInfo, SerializedQuery } from "./types";

export type Operator = { kind: "filter"; test: (doc: DocumentJSON) => boolean } | { kind: "limit"; n: number };

export interface QueryPlan {
  /** The index to scan; null when the table does not exist yet (the query has no results). */
  index: IndexDef | null;
  interval: KeyInterval;
  order: "asc" | "desc";
  /** For `withSearchIndex` sources: the index and the compiled query (see search-stream.ts). */
  search: SearchPlan | null;
  operators: Operator[];
  /** Identifies the query in pagination cursors. */
  fingerprint: Uint8Array;
}

export interface SearchPlan {
  index: SearchIndexDef;
  query: CompiledSearch;
}

export interface PlanContext {
  catalog: Catalog;
  schema: SchemaInfo | null;
  searchIndexes: SearchIndexes;
}

/** Every key: keys start with a tag byte below 0xFF. */
export const ALL_KEYS: KeyInterval = { lo: new Uint8Array(0), hi: Uint8Array.of(0xff) };

/** system_table_guard: system tables only with isSystem (db.system), user tables only without. */
export function checkTableAccess(tableName: string, isSystem: boolean): void {
  if (isSystemTableName(tableName) !== isSystem) throw systemTableGuard(isSystem);
}

function splitIndexName(indexName: string): [string, string] {
  const dot = indexName.indexOf(".");
  if (dot <= 0 || dot === indexName.length - 1) {
    throw new StoreError("InvalidIndexName", `Invalid index name ${JSON.stringify(indexName)}: expected "table.index".`);
  }
  return [indexName.slice(0, dot), indexName.slice(dot + 1)];
}

function compileOperators(query: SerializedQuery): Operator[] {
  return query.operators.map((operator): Operator => {
    if ("filter" in operator) return { kind: "filter", test: compileFilter(operator.filter) };
    const n = operator.limit;
    if (!Number.isInteger(n) || n < 0) {
      throw new StoreError("InvalidQuery", `Invalid limit ${n}: a limit must be a non-negative integer.`);
    }
    return { kind: "limit", n };
  });
}

export function planQuery(ctx: PlanContext, query: SerializedQuery, isSystem: boolean): QueryPlan {
  const source = query.source;
  const operators = compileOperators(query);
  if (source.type === "FullTableScan") {
    checkTableAccess(source.tableName, isSystem);
    const table = ctx.catalog.table(source.tableName);
    const keyFields = keyFieldsFor(BY_CREATION_TIME, []);
    return {
      index: table ? (ctx.catalog.index(table.number, BY_CREATION_TIME) ?? null) : null,
      interval: ALL_KEYS,
      order: source.order ?? "asc",
      search: null,
      operators,
      fingerprint: queryFingerprint(query, keyFields),
    };
  }
  if (source.type === "IndexRange") {
    const [tableName, indexName] = splitIndexName(source.indexName);
    checkTableAccess(tableName, isSystem);
    const table = ctx.catalog.table(tableName);
    let index: IndexDef | null = table ? (ctx.catalog.index(table.number, indexName) ?? null) : null;
    let keyFields: string[];
    if (indexName === BY_ID || indexName === BY_CREATION_TIME) {
      keyFields = keyFieldsFor(indexName, []);
    } else if (index) {
      keyFields = index.keyFields;
    } else {
      const declared = ctx.schema?.tables.find((t) => t.tableName === tableName);
      if (declared?.stagedDbIndexes?.some((i) => i.indexDescriptor === indexName)) throw indexStaged(source.indexName);
      throw indexNotFound(source.indexName);
    }
    const interval = compileIndexRange(source.indexName, keyFields, source.range);
    if (!table) index = null;
    return {
      index,
      interval,
      order: source.order ?? "asc",
      search: null,
      operators,
      fingerprint: queryFingerprint(query, keyFields),
    };
  }
  const [tableName, indexName] = splitIndexName(source.indexName);
  checkTableAccess(tableName, isSystem);
  const table = ctx.catalog.table(tableName);
  const index = table ? ctx.searchIndexes.index(table.number, indexName) : undefined;
  if (!index) {
    const declared = ctx.schema?.tables.find((t) => t.tableName === tableName);
    if (declared?.stagedSearchIndexes?.some((i) => i.indexDescriptor === indexName)) throw indexStaged(source.indexName);
    const dbIndex = [...(declared?.indexes ?? []), ...(declared?.stagedDbIndexes ?? [])].some((i) => i.indexDescriptor === indexName);
    throw dbIndex || indexName === BY_ID || indexName === BY_CREATION_TIME
      ? notASearchIndex(source.indexName)
      : indexNotFound(source.indexName);
  }
  return {
    index: null,
    interval: ALL_KEYS,
    order: "asc",
    search: { index, query: compileSearch(source.indexName, index, source.filters) },
    operators,
    fingerprint: queryFingerprint(query, []),
  };
}

// Shared helpers for the store tests: a seeded PRNG, serialized-query builders (the shapes the
// `convex` package sends), and a store with a small schema.
import * as fs from "node:fs";
import * as path from "node:path";
import { Store, type StoreOptions } from "../../runtime/store/sqlite-store";
import type { DocumentJSON, JSONValue, RangeExpression, ReadTransaction, SchemaInfo, SerializedQuery } from "../../runtime/store/types";

/** Deterministic PRNG (mulberry32), so property tests always see the same cases. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const UNDEFINED: JSONValue = { $undefined: null };

export function int(n: bigint | number): JSONValue {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(BigInt(n));
  return { $integer: bytes.toString("base64") };
}

export function scan(table: string, order: "asc" | "desc" | null = null, operators: SerializedQuery["operators"] = []): SerializedQuery {
  return { source: { type: "FullTableScan", tableName: table, order }, operators };
}

export function indexed(
  indexName: string,
  range: RangeExpression[] = [],
  order: "asc" | "desc" | null = null,
  operators: SerializedQuery["operators"] = [],
): SerializedQuery {
  return { source: { type: "IndexRange", indexName, range, order }, operators };
}

export const r = {
  eq: (fieldPath: string, value: JSONValue): RangeExpression => ({ type: "Eq", fieldPath, value }),
  gt: (fieldPath: string, value: JSONValue): RangeExpression => ({ type: "Gt", fieldPath, value }),
  gte: (fieldPath: string, value: JSONValue): RangeExpression => ({ type: "Gte", fieldPath, value }),
  lt: (fieldPath: string, value: JSONValue): RangeExpression => ({ type: "Lt", fieldPath, value }),
  lte: (fieldPath: string, value: JSONValue): RangeExpression => ({ type: "Lte", fieldPath, value }),
};

/** Filter expressions, as `serializeExpression` produces them. */
export const f = {
  field: (path: string): JSONValue => ({ $field: path }),
  lit: (value: JSONValue): JSONValue => ({ $literal: value }),
  op: (name: string, a: JSONValue, b: JSONValue): JSONValue => ({ [name]: [a, b] }),
  and: (...parts: JSONValue[]): JSONValue => ({ $and: parts }),
  or: (...parts: JSONValue[]): JSONValue => ({ $or: parts }),
  not: (x: JSONValue): JSONValue => ({ $not: x }),
};

export const messagesSchema: SchemaInfo = {
  schemaValidation: false,
  tables: [
    {
      tableName: "messages",
      indexes: [
        { indexDescriptor: "by_channel", fields: ["channel"] },
        { indexDescriptor: "by_channel_likes", fields: ["channel", "likes"] },
        { indexDescriptor: "by_author_name", fields: ["author.name"] },
      ],
      searchIndexes: [{ indexDescriptor: "search_body", searchField: "body", filterFields: ["channel"] }],
      documentType: null,
    },
    { tableName: "counters", indexes: [], documentType: null },
  ],
};

export async function openStore(schema: SchemaInfo | null = messagesSchema, options: StoreOptions = {}): Promise<Store> {
  const store = await Store.open(options);
  await store.setSchema(schema);
  return store;
}

/** Inserts documents in one write transaction; returns their IDs. */
export async function insertAll(store: Store, table: string, values: Array<{ [key: string]: JSONValue }>): Promise<string[]> {
  const tx = await store.beginWrite();
  const ids = values.map((value) => tx.insert(table, value));
  tx.commit();
  return ids;
}

/** Runs a streamed query to the end in batches of `batch`, through a read transaction. */
export async function collect(store: Store, query: SerializedQuery, batch = 3, isSystem = false): Promise<DocumentJSON[]> {
  const tx = await store.beginRead();
  try {
    return collectIn(tx, query, batch, isSystem);
  } finally {
    tx.end();
  }
}

export function collectIn(tx: ReadTransaction, query: SerializedQuery, batch = 3, isSystem = false): DocumentJSON[] {
  const out: DocumentJSON[] = [];
  let position: string | null = null;
  for (let guard = 0; guard < 100_000; guard++) {
    const result = tx.queryBatch(query, position, batch, { isSystem });
    out.push(...result.docs);
    position = result.position;
    if (result.done) return out;
  }
  throw new Error("query did not finish");
}

export async function errorOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

export function tempDir(): string {
  const base = path.join(process.cwd(), "test", ".tmp");
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, `store-${process.pid}-`));
}

export function tmpFileIn(dir: string, name = "db.sqlite"): string {
  return path.join(dir, name);
}

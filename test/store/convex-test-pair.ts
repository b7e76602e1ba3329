// Runs the same Convex functions (test/store/fixtures/messages.ts, real `convex` query builders)
// through convex-test, the reference, and through our store via a small syscall host, with the same
// writes in the same order, and maps both sides' IDs to insertion numbers ("#0", "#1", …) so their
// results compare. Used by the differential tests.
// biome-ignore-all lint/suspicious/noExplicitAny: convex-test's API is typed for a generated `api`; this drives it with runtime-built function references and specs.
import { anyApi } from "convex/server";
import { convexToJson, type Value } from "convex/values";
import { convexTest } from "convex-test";
import type { Store } from "../../runtime/store/sqlite-store";
import type { DocumentJSON, JSONValue, ReadTransaction, SchemaInfo, WriteTransaction } from "../../runtime/store/types";
import * as messages from "./fixtures/messages";
import type { QuerySpec } from "./fixtures/messages";
import schema from "./fixtures/schema";
import { openStore, rng } from "./helpers";

export type AnyFunction = { invokeQuery?: (args: string) => Promise<string>; invokeMutation?: (args: string) => Promise<string> };

/** Runs fixture functions against our store, answering their syscalls the way the host will. */
export class StoreHarness {
  constructor(private readonly store: Store) {}

  async call(fn: AnyFunction, kind: "query" | "mutation", args: Record<string, Value>): Promise<JSONValue> {
    const tx: ReadTransaction = kind === "mutation" ? await this.store.beginWrite() : await this.store.beginRead();
    const write = tx as WriteTransaction;
    const queries = new Map<number, { query: any; position: string | null; buffer: DocumentJSON[]; done: boolean }>();
    let nextQueryId = 1;
    const syscall = (op: string, json: string): string => {
      const a = JSON.parse(json);
      switch (op) {
        case "1.0/queryStream": {
          const id = nextQueryId++;
          queries.set(id, { query: a.query, position: null, buffer: [], done: false });
          return JSON.stringify({ queryId: id });
        }
        case "1.0/queryCleanup":
          return JSON.stringify(queries.delete(a.queryId));
        case "1.0/db/normalizeId":
          return JSON.stringify({ id: tx.normalizeId(a.table, a.idString) });
      }
      throw new Error(`unsupported syscall ${op}`);
    };
    const asyncSyscall = async (op: string, json: string): Promise<string> => {
      const a = JSON.parse(json);
      switch (op) {
        case "1.0/queryStreamNext": {
          const state = queries.get(a.queryId)!;
          if (state.buffer.length === 0 && !state.done) {
            // Small batches, so positions are exercised.
            const batch = tx.queryBatch(state.query, state.position, 2);
            state.buffer.push(...batch.docs);
            state.position = batch.position;
            state.done = batch.done;
          }
          const value = state.buffer.shift();
          return JSON.stringify(value === undefined ? { value: null, done: true } : { value, done: false });
        }
        case "1.0/queryPage":
          return JSON.stringify(
            tx.queryPage({
              query: a.query,
              cursor: a.cursor,
              endCursor: a.endCursor,
              pageSize: a.pageSize,
              maximumRowsRead: a.maximumRowsRead,
              maximumBytesRead: a.maximumBytesRead ?? null,
            }),
          );
        case "1.0/get":
          return JSON.stringify(tx.get(a.id, { table: a.table, isSystem: a.isSystem }));
        case "1.0/insert":
          return JSON.stringify({ _id: write.insert(a.table, a.value) });
        case "1.0/shallowMerge":
          return JSON.stringify(write.patch(a.id, a.value, { table: a.table }));
        case "1.0/remove":
          return JSON.stringify(write.remove(a.id, { table: a.table }));
        case "1.0/count":
          return JSON.stringify(tx.count(a.table));
      }
      throw new Error(`unsupported async syscall ${op}`);
    };
    // convex-test owns `globalThis.Convex`; borrow it for this call only.
    const g = globalThis as { Convex?: unknown };
    const previous = g.Convex;
    g.Convex = {
      syscall,
      asyncSyscall,
      jsSyscall: () => {
        throw new Error("no jsSyscall");
      },
    };
    try {
      const argsJson = JSON.stringify(convexToJson([args]));
      const result = kind === "query" ? await fn.invokeQuery!(argsJson) : await fn.invokeMutation!(argsJson);
      if (kind === "mutation") write.commit();
      else tx.end();
      return JSON.parse(result) as JSONValue;
    } catch (e) {
      tx.end();
      throw e;
    } finally {
      g.Convex = previous;
    }
  }
}

/** Both implementations side by side, with IDs mapped to insertion numbers ("#0", "#1", …). */
export class Pair {
  readonly ids = { ours: new Map<string, string>(), theirs: new Map<string, string>() };
  private readonly byNumber = { ours: [] as string[], theirs: [] as string[] };
  readonly live: number[] = [];

  constructor(
    readonly t: ReturnType<typeof convexTest>,
    readonly ours: StoreHarness,
  ) {}

  async insert(docs: Array<Record<string, Value>>): Promise<void> {
    const theirs = (await this.t.mutation(anyApi.messages!.insert as any, { docs })) as string[];
    const ours = (await this.ours.call(messages.insert as AnyFunction, "mutation", { docs })) as string[];
    for (let i = 0; i < docs.length; i++) {
      const k = this.byNumber.ours.length;
      this.ids.ours.set(ours[i]!, `#${k}`);
      this.ids.theirs.set(theirs[i]!, `#${k}`);
      this.byNumber.ours.push(ours[i]!);
      this.byNumber.theirs.push(theirs[i]!);
      this.live.push(k);
    }
  }

  async patch(k: number, value: Record<string, Value>): Promise<void> {
    await this.t.mutation(anyApi.messages!.patch as any, { id: this.byNumber.theirs[k]!, value });
    await this.ours.call(messages.patch as AnyFunction, "mutation", { id: this.byNumber.ours[k]!, value });
  }

  async remove(k: number): Promise<void> {
    await this.t.mutation(anyApi.messages!.remove as any, { id: this.byNumber.theirs[k]! });
    await this.ours.call(messages.remove as AnyFunction, "mutation", { id: this.byNumber.ours[k]! });
    this.live.splice(this.live.indexOf(k), 1);
  }

  /** Runs `messages:run` on both; returns the normalized results [ours, theirs]. */
  async run(spec: QuerySpec): Promise<[JSONValue, JSONValue]> {
    const theirs = convexToJson((await this.t.query(anyApi.messages!.run as any, { spec: spec as any })) as Value);
    const ours = await this.ours.call(messages.run as AnyFunction, "query", { spec: spec as any });
    return [this.normalize(ours, this.ids.ours), this.normalize(theirs, this.ids.theirs)];
  }

  normalize(value: JSONValue, ids: Map<string, string>): JSONValue {
    if (typeof value === "string") return ids.get(value) ?? value;
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => this.normalize(v, ids));
    const out: { [key: string]: JSONValue } = {};
    for (const [key, v] of Object.entries(value)) if (key !== "_creationTime") out[key] = this.normalize(v, ids);
    return out;
  }
}

export const LIKES: Array<Value | undefined> = [undefined, null, 0, 1, 2.5, -1, 3n, -2n, "x", "10", true, false, [1, 2], { k: 1 }];
export const WORDS = ["alpha", "beta", "gamma", "delta", "alphabet"];

export async function setUp(seed: number) {
  const t = convexTest(schema, {
    "./_generated/server.ts": async () => ({}),
    "./messages.ts": async () => messages,
  });
  // `export()` is what the loader reads too (internal in the package's types).
  const store = await openStore(JSON.parse((schema as unknown as { export(): string }).export()) as SchemaInfo);
  const pair = new Pair(t, new StoreHarness(store));
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const makeDoc = (n: number): Record<string, Value> => {
    const doc: Record<string, Value> = {
      channel: pick(["a", "b", "c"]),
      body: Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(WORDS)).join(" "),
      n,
    };
    const likes = pick(LIKES);
    if (likes !== undefined) doc.likes = likes;
    if (random() < 0.7) doc.author = { name: pick(["ann", "bob"]) };
    return doc;
  };
  return { t, store, pair, random, pick, makeDoc };
}

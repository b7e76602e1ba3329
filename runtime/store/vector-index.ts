// One vector index, in memory: exact search by cosine similarity over every indexed document.
//
// Vectors are kept as the backend keeps them (qdrant, crates/vector/src/qdrant_index.rs): each
// element cast to f32, the vector normalized to length 1 (a vector of length ~0 as it is), so a
// score is one dot product. They sit in one Float32Array, `dimensions` floats per slot; a deleted
// document's slot is filled with the last one, so a search scans a dense array with a typed loop.
// Filter values are interned per filter field: a filter tests small integers, not values.
import { jsonToConvex } from "convex/values";
import { decodeId } from "./ids";
import { getFieldJson, getFieldValue, splitFieldPath } from "./json-values";
import type { DocumentJSON, JSONValue, VectorIndexSchema } from "./types";
import { type FieldCondition, filterValueKey } from "./vector-query";

export interface VectorMatch {
  _id: string;
  _score: number;
}

/** f32::EPSILON: below this squared length qdrant leaves a vector unnormalized. */
const F32_EPSILON = 2 ** -23;

/** The f32 elements of an indexable vector field, or null (the backend skips such documents). */
function vectorOf(doc: DocumentJSON, path: string[], dimensions: number): Float32Array | null {
  const field = getFieldJson(doc, path);
  if (!Array.isArray(field) || field.length !== dimensions) return null;
  const out = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) {
    const element = field[i];
    // Only float64s count; `-0`, NaN and infinities arrive as {"$float": …} and are float64s too.
    if (typeof element === "number") out[i] = element;
    else if (isEncodedFloat(element)) out[i] = jsonToConvex(element!) as number;
    else return null;
  }
  return out;
}

function isEncodedFloat(value: JSONValue | undefined): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "$float" in value;
}

/** Normalizes in place, as CosineMetric::preprocess does. */
export function normalize(vector: Float32Array): Float32Array {
  let squares = 0;
  for (let i = 0; i < vector.length; i++) squares += vector[i]! * vector[i]!;
  if (squares < F32_EPSILON) return vector;
  const length = Math.sqrt(squares);
  for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / length;
  return vector;
}

/** The backend orders equal scores by document ID, descending (its internal ID bytes). */
function compareIds(a: string, b: string): number {
  const x = decodeId(a)?.internalId;
  const y = decodeId(b)?.internalId;
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** Candidate order: higher score first, then higher ID. Negative when `a` ranks before `b`. */
function rank(a: VectorMatch, b: VectorMatch): number {
  return b._score - a._score || compareIds(b._id, a._id);
}

class FilterColumn {
  readonly path: string[];
  codes: Uint32Array;
  readonly codeOf = new Map<string, number>();

  constructor(
    readonly field: string,
    capacity: number,
  ) {
    this.path = splitFieldPath(field);
    this.codes = new Uint32Array(capacity);
  }

  codeFor(doc: DocumentJSON): number {
    const key = filterValueKey(getFieldValue(doc, this.path));
    let code = this.codeOf.get(key);
    if (code === undefined) {
      code = this.codeOf.size;
      this.codeOf.set(key, code);
    }
    return code;
  }
}

export class VectorIndex {
  readonly dimensions: number;
  readonly #vectorPath: string[];
  #vectors: Float32Array;
  #capacity: number;
  readonly #ids: string[] = [];
  readonly #slotOf = new Map<string, number>();
  readonly #filters: FilterColumn[];

  constructor(
    readonly schema: VectorIndexSchema,
    expectedSize = 0,
  ) {
    this.dimensions = schema.dimensions;
    this.#vectorPath = splitFieldPath(schema.vectorField);
    this.#capacity = Math.max(16, expectedSize);
    this.#vectors = new Float32Array(this.#capacity * this.dimensions);
    this.#filters = schema.filterFields.map((field) => new FilterColumn(field, this.#capacity));
  }

  get size(): number {
    return this.#ids.length;
  }

  /** Bytes held by the vectors and filter codes (for the memory figures). */
  get bytes(): number {
    return this.#vectors.byteLength + this.#filters.reduce((sum, column) => sum + column.codes.byteLength, 0);
  }

  /** Indexes the document's current version (or drops it, when its vector field does not qualify). */
  put(doc: DocumentJSON): void {
    const vector = vectorOf(doc, this.#vectorPath, this.dimensions);
    if (!vector) {
      this.remove(doc._id);
      return;
    }
    let slot = this.#slotOf.get(doc._id);
    if (slot === undefined) {
      slot = this.#ids.length;
      if (slot === this.#capacity) this.#grow();
      this.#ids.push(doc._id);
      this.#slotOf.set(doc._id, slot);
    }
    this.#vectors.set(normalize(vector), slot * this.dimensions);
    for (const column of this.#filters) column.codes[slot] = column.codeFor(doc);
  }

  remove(id: string): void {
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return;
    const last = this.#ids.length - 1;
    if (slot !== last) {
      const d = this.dimensions;
      this.#vectors.copyWithin(slot * d, last * d, (last + 1) * d);
      const moved = this.#ids[last]!;
      this.#ids[slot] = moved;
      this.#slotOf.set(moved, slot);
      for (const column of this.#filters) column.codes[slot] = column.codes[last]!;
    }
    this.#ids.pop();
    this.#slotOf.delete(id);
  }

  #grow(): void {
    this.#capacity = Math.ceil(this.#capacity * 1.5);
    const vectors = new Float32Array(this.#capacity * this.dimensions);
    vectors.set(this.#vectors);
    this.#vectors = vectors;
    for (const column of this.#filters) {
      const codes = new Uint32Array(this.#capacity);
      codes.set(column.codes);
      column.codes = codes;
    }
  }

  /**
   * The `limit` best matches of a normalized query among the documents meeting any condition,
   * best first. Scores are f32, as the backend returns them.
   */
  search(query: Float32Array, conditions: ReadonlyArray<FieldCondition>, limit: number): VectorMatch[] {
    if (limit === 0) return [];
    const tests = this.#compileConditions(conditions);
    if (tests !== null && tests.length === 0) return [];
    const top = new TopMatches(limit);
    const d = this.dimensions;
    const vectors = this.#vectors;
    const count = this.#ids.length;
    for (let slot = 0; slot < count; slot++) {
      if (tests !== null && !matchesAny(tests, slot)) continue;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let p = slot * d;
      let j = 0;
      for (; j + 3 < d; j += 4, p += 4) {
        a0 += vectors[p]! * query[j]!;
        a1 += vectors[p + 1]! * query[j + 1]!;
        a2 += vectors[p + 2]! * query[j + 2]!;
        a3 += vectors[p + 3]! * query[j + 3]!;
      }
      for (; j < d; j++, p++) a0 += vectors[p]! * query[j]!;
      top.offer(Math.fround(a0 + a1 + a2 + a3), slot, this.#ids);
    }
    return top.sorted();
  }

  /** null: no filter. Otherwise one test per condition on a known value (none known: nothing matches). */
  #compileConditions(conditions: ReadonlyArray<FieldCondition>): Array<{ codes: Uint32Array; allowed: Uint8Array }> | null {
    if (conditions.length === 0) return null;
    const tests: Array<{ codes: Uint32Array; allowed: Uint8Array }> = [];
    for (const condition of conditions) {
      const column = this.#filters.find((c) => c.field === condition.field);
      if (!column) continue;
      const allowed = new Uint8Array(column.codeOf.size);
      let any = false;
      for (const key of condition.keys) {
        const code = column.codeOf.get(key);
        if (code !== undefined) {
          allowed[code] = 1;
          any = true;
        }
      }
      if (any) tests.push({ codes: column.codes, allowed });
    }
    return tests;
  }
}

function matchesAny(tests: ReadonlyArray<{ codes: Uint32Array; allowed: Uint8Array }>, slot: number): boolean {
  for (const test of tests) if (test.allowed[test.codes[slot]!] === 1) return true;
  return false;
}

/** The best `limit` candidates so far: a min-heap on rank, its root the worst kept. */
class TopMatches {
  readonly #heap: VectorMatch[] = [];

  constructor(private readonly limit: number) {}

  offer(score: number, slot: number, ids: ReadonlyArray<string>): void {
    const heap = this.#heap;
    if (heap.length === this.limit) {
      const worst = heap[0]!;
      // Most candidates lose on score alone; the ID is looked at only on a tie.
      if (score < worst._score) return;
      const candidate = { _id: ids[slot]!, _score: score };
      if (rank(candidate, worst) >= 0) return;
      heap[0] = candidate;
      this.#siftDown(0);
      return;
    }
    heap.push({ _id: ids[slot]!, _score: score });
    this.#siftUp(heap.length - 1);
  }

  sorted(): VectorMatch[] {
    return [...this.#heap].sort(rank);
  }

  /** True when `a` ranks below `b` (belongs nearer the root). */
  #worse(a: VectorMatch, b: VectorMatch): boolean {
    return rank(a, b) > 0;
  }

  #siftUp(i: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#worse(heap[i]!, heap[parent]!)) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #siftDown(i: number): void {
    const heap = this.#heap;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && this.#worse(heap[left]!, heap[worst]!)) worst = left;
      if (right < heap.length && this.#worse(heap[right]!, heap[worst]!)) worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
      i = worst;
    }
  }
}

// Table numbers for the tables of a snapshot. The backend numbers tables per namespace
// (TableModel::next_table_number filters `_tables` by namespace, get-convex/convex-backend
// crates/database/src/table_registry and bootstrap_model/table), so a component's first table has
// number 10001 just like the app's. Our store numbers tables globally (store/namespaces.ts), and an
// ID carries its table's number: where two tables of a snapshot want one number, the first keeps
// it (the app's tables come first, so IDs of the app stay as in production) and the other gets a
// new one, its documents new IDs with the same 16 random bytes, and every reference to them is
// rewritten (`remapIds`).
import { FIRST_USER_TABLE_NUMBER, SYSTEM_TABLE_NUMBERS, decodeId, encodeId } from "../store/ids";
import type { JSONValue } from "../store/types";

export interface NumberRequest {
  /** The stored table name. */
  table: string;
  /** `_storage` tables are system tables, numbered below 10001; user tables from 10001. */
  system: boolean;
  /** The number the snapshot gives it (from `_tables` or its IDs), if any. */
  wanted: number | undefined;
}

const MAX_TABLE_NUMBER = 0xffffffff;

function fits(number: number, system: boolean): boolean {
  return system ? number >= 1 && number < FIRST_USER_TABLE_NUMBER : number >= FIRST_USER_TABLE_NUMBER && number <= MAX_TABLE_NUMBER;
}

/** Numbers for `requests`, the earlier ones keeping theirs first. */
export function assignTableNumbers(requests: ReadonlyArray<NumberRequest>): Map<string, number> {
  const assigned = new Map<string, number>();
  const taken = new Set<number>();
  for (const { table, system, wanted } of requests) {
    if (wanted !== undefined && fits(wanted, system) && !taken.has(wanted)) {
      assigned.set(table, wanted);
      taken.add(wanted);
    }
  }
  let nextUser = Math.max(FIRST_USER_TABLE_NUMBER - 1, ...[...taken].filter((n) => n >= FIRST_USER_TABLE_NUMBER)) + 1;
  // The fixed numbers stay free for the tables they belong to (catalog.ts).
  let nextSystem = Math.max(...Object.values(SYSTEM_TABLE_NUMBERS), ...[...taken].filter((n) => n < FIRST_USER_TABLE_NUMBER)) + 1;
  for (const { table, system } of requests) {
    if (assigned.has(table)) continue;
    const number = system ? nextSystem++ : nextUser++;
    if (!fits(number, system)) throw new Error(`The snapshot has more tables than Convex Lens can number (${table})`);
    assigned.set(table, number);
  }
  return assigned;
}

/** The new spelling of an ID moved to table number `tableNumber`. */
export function movedId(id: string, tableNumber: number): string {
  const decoded = decodeId(id);
  if (!decoded) throw new Error(`Not an ID: ${id}`);
  return encodeId(tableNumber, decoded.internalId);
}

/** `value` with every string that is a renumbered ID replaced by its new spelling. */
export function remapIds(value: JSONValue, moved: ReadonlyMap<string, string>): JSONValue {
  if (moved.size === 0 || value === null || typeof value !== "object") {
    return typeof value === "string" ? (moved.get(value) ?? value) : value;
  }
  if (Array.isArray(value)) return value.map((element) => remapIds(element, moved));
  const keys = Object.keys(value);
  // {"$bytes": …}, {"$integer": …}: base64 text, never a reference.
  if (keys.length === 1 && keys[0]!.startsWith("$")) return value;
  const out: { [key: string]: JSONValue } = {};
  for (const key of keys) out[key] = remapIds(value[key]!, moved);
  return out;
}

// The table and index registries: SQLite holds them (so they commit and roll back with the
// documents), this class keeps an in-memory copy for the hot paths. After a rollback the copy is
// reloaded, since tables and indexes created inside the rolled-back part are gone from SQLite.
import { FIRST_USER_TABLE_NUMBER, SYSTEM_TABLE_NUMBERS } from "./ids";
import { splitFieldPath } from "./json-values";
import { baseTableName } from "./namespaces";
import type { Sql } from "./sql";

export interface TableInfo {
  number: number;
  name: string;
}

export interface IndexDef {
  id: number;
  tableNumber: number;
  /** The index descriptor ("by_channel"); the full name is "table.by_channel". */
  name: string;
  /** The whole key: declared fields, then "_creationTime" and "_id" (see `keyFieldsFor`). */
  keyFields: string[];
  /** `keyFields` split on dots, for field lookups. */
  keyPaths: string[][];
}

export const BY_ID = "by_id";
export const BY_CREATION_TIME = "by_creation_time";

/** Every table has these two indexes; user indexes append _creationTime and _id, like the backend's. */
export function keyFieldsFor(indexName: string, declaredFields: ReadonlyArray<string>): string[] {
  if (indexName === BY_ID) return ["_id"];
  if (indexName === BY_CREATION_TIME) return ["_creationTime", "_id"];
  return [...declaredFields, "_creationTime", "_id"];
}

/** `_storage`, `_scheduled_functions`, also inside a component ("twilio/_storage"). */
export function isSystemTableName(name: string): boolean {
  return baseTableName(name).startsWith("_");
}

export class Catalog {
  private byName = new Map<string, TableInfo>();
  private byNumber = new Map<number, TableInfo>();
  private indexesByTable = new Map<number, IndexDef[]>();
  private readonly reloadListeners: Array<() => void> = [];

  constructor(private readonly sql: Sql) {
    this.reload();
  }

  /** Registries kept beside this one (search indexes) reload with it, after every rollback. */
  onReload(listener: () => void): void {
    this.reloadListeners.push(listener);
  }

  reload(): void {
    this.byName.clear();
    this.byNumber.clear();
    this.indexesByTable.clear();
    for (const [number, name] of this.sql.all("SELECT number, name FROM tables")) {
      const info = { number: number as number, name: name as string };
      this.byName.set(info.name, info);
      this.byNumber.set(info.number, info);
    }
    for (const [id, tableNumber, name, keyFields] of this.sql.all("SELECT id, table_number, name, key_fields FROM indexes ORDER BY id")) {
      this.addIndexToCache({
        id: id as number,
        tableNumber: tableNumber as number,
        name: name as string,
        keyFields: JSON.parse(keyFields as string) as string[],
        keyPaths: [],
      });
    }
    for (const listener of this.reloadListeners) listener();
  }

  private addIndexToCache(def: IndexDef): void {
    def.keyPaths = def.keyFields.map(splitFieldPath);
    const list = this.indexesByTable.get(def.tableNumber) ?? [];
    list.push(def);
    this.indexesByTable.set(def.tableNumber, list);
  }

  table(name: string): TableInfo | undefined {
    return this.byName.get(name);
  }

  tableByNumber(number: number): TableInfo | undefined {
    return this.byNumber.get(number);
  }

  tables(): TableInfo[] {
    return [...this.byNumber.values()].sort((a, b) => a.number - b.number);
  }

  indexes(tableNumber: number): ReadonlyArray<IndexDef> {
    return this.indexesByTable.get(tableNumber) ?? [];
  }

  index(tableNumber: number, name: string): IndexDef | undefined {
    return this.indexes(tableNumber).find((def) => def.name === name);
  }

  /** Registers a table (with its by_id and by_creation_time indexes). `number` is for log replay. */
  createTable(name: string, number?: number): TableInfo {
    const existing = this.byName.get(name);
    if (existing) return existing;
    const tableNumber = number ?? this.nextTableNumber(name);
    this.sql.run("INSERT INTO tables (number, name, doc_count) VALUES (?, ?, 0)", [tableNumber, name]);
    const info = { number: tableNumber, name };
    this.byName.set(name, info);
    this.byNumber.set(tableNumber, info);
    this.createIndex(tableNumber, BY_ID, keyFieldsFor(BY_ID, []));
    this.createIndex(tableNumber, BY_CREATION_TIME, keyFieldsFor(BY_CREATION_TIME, []));
    return info;
  }

  private nextTableNumber(name: string): number {
    if (isSystemTableName(name)) {
      // The app's system tables have fixed numbers; a component's copies are numbered after them.
      const fixed = SYSTEM_TABLE_NUMBERS[name];
      if (fixed !== undefined && !this.byNumber.has(fixed)) return fixed;
      const max = this.sql.one("SELECT MAX(number) FROM tables WHERE number < ?", [FIRST_USER_TABLE_NUMBER])?.[0];
      const next = Math.max(typeof max === "number" ? max + 1 : 1, Math.max(...Object.values(SYSTEM_TABLE_NUMBERS)) + 1);
      if (next >= FIRST_USER_TABLE_NUMBER) throw new Error("Too many system tables");
      return next;
    }
    const max = this.sql.one("SELECT MAX(number) FROM tables")?.[0];
    return Math.max(typeof max === "number" ? max + 1 : 0, FIRST_USER_TABLE_NUMBER);
  }

  /** Registers an index. Its entries are built by the caller (see DocumentWriter.buildIndex). */
  createIndex(tableNumber: number, name: string, keyFields: string[]): IndexDef {
    const max = this.sql.one("SELECT MAX(id) FROM indexes")?.[0];
    const id = typeof max === "number" ? max + 1 : 1;
    this.sql.run("INSERT INTO indexes (id, table_number, name, key_fields) VALUES (?, ?, ?, ?)", [
      id,
      tableNumber,
      name,
      JSON.stringify(keyFields),
    ]);
    const def: IndexDef = { id, tableNumber, name, keyFields, keyPaths: [] };
    this.addIndexToCache(def);
    return def;
  }

  /** Removes an index and its entries. */
  dropIndex(def: IndexDef): void {
    this.sql.run("DELETE FROM index_entries WHERE index_id = ?", [def.id]);
    this.sql.run("DELETE FROM indexes WHERE id = ?", [def.id]);
    const list = this.indexesByTable.get(def.tableNumber) ?? [];
    this.indexesByTable.set(
      def.tableNumber,
      list.filter((other) => other.id !== def.id),
    );
  }
}

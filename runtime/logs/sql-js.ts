// The statement patterns the log store's occasional queries need (sql.js itself is loaded once per
// process by runtime/shared/sql-js-loader.ts). Each statement here is prepared and freed within
// one call; the hot write path keeps its statements instead (shared/statement-cache.ts).
import type { BindParams, Database, SqlValue } from "sql.js";
export { loadSqlJs } from "../shared/sql-js-loader.js";

export type Row = Record<string, SqlValue>;

export function allRows(db: Database, sql: string, params: BindParams = []): Row[] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const rows: Row[] = [];
    while (statement.step()) rows.push(statement.getAsObject());
    return rows;
  } finally {
    statement.free();
  }
}

export function firstRow(db: Database, sql: string, params: BindParams = []): Row | undefined {
  return allRows(db, sql, params)[0];
}

/**
 * allRows for large results: reads the column names once instead of per row (getAsObject looks
 * them up again for every row, about five times the cost of the values themselves).
 */
export function selectRows(db: Database, sql: string, params: BindParams = []): Row[] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const names = statement.getColumnNames();
    const rows: Row[] = [];
    while (statement.step()) {
      const values = statement.get();
      const row: Row = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]!;
      rows.push(row);
    }
    return rows;
  } finally {
    statement.free();
  }
}

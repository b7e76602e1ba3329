// Prepared statements kept for the life of one sql.js connection, for the log store's hot paths
// (sql.js otherwise compiles the SQL text on every `Database.run`). sql.js 1.16 exports through
// SQLite's backup API on the same connection, so statements stay valid across `export()`; the
// document store (runtime/store/sql.ts) relies on the same.
//
// Every call leaves its statement reset, also when a step throws: a statement left mid-step would
// hold the table open and make the next `export()` or COMMIT fail.
import type { Database, SqlValue, Statement } from "sql.js";
import type { Row } from "./sql-js.js";

export class StatementCache {
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Database) {
    this.#db = db;
  }

  /** Runs a statement that returns no rows. */
  run(sql: string, params: SqlValue[] = []): void {
    const statement = this.#statement(sql);
    try {
      statement.bind(params);
      statement.step();
    } finally {
      statement.reset();
    }
  }

  /** The first row, with column names, or undefined. */
  first(sql: string, params: SqlValue[] = []): Row | undefined {
    const statement = this.#statement(sql);
    try {
      statement.bind(params);
      return statement.step() ? statement.getAsObject() : undefined;
    } finally {
      statement.reset();
    }
  }

  /** The first column of every row (for `… RETURNING id`). */
  column(sql: string, params: SqlValue[] = []): SqlValue[] {
    const statement = this.#statement(sql);
    try {
      statement.bind(params);
      const values: SqlValue[] = [];
      while (statement.step()) values.push(statement.get()[0] ?? null);
      return values;
    } finally {
      statement.reset();
    }
  }

  /** Frees every statement; call before closing the database. */
  free(): void {
    for (const statement of this.#statements.values()) statement.free();
    this.#statements.clear();
  }

  #statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

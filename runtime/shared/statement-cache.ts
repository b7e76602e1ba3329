// Prepared statements kept for the life of one sql.js connection: sql.js otherwise compiles the SQL
// text on every `Database.run`, and the document store and the log store run the same few
// statements for every function call. sql.js 1.16 exports through SQLite's backup API on the same
// connection, so statements stay valid across `export()`.
//
// Every call leaves its statement reset, also when a step throws: a statement left mid-step would
// hold its table open and make the next `export()` or COMMIT fail.
import type { Database, SqlValue, Statement } from "sql.js";

export class StatementCache {
  readonly #statements = new Map<string, Statement>();
  #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  get db(): Database {
    return this.#db;
  }

  /**
   * Continues on another connection to the same data (opened elsewhere, already configured) and
   * closes this one. No statement may be mid-step: every call here leaves its statement reset.
   */
  switchTo(db: Database): void {
    this.free();
    this.#db.close();
    this.#db = db;
  }

  /** Runs a statement for its effect. */
  run(sql: string, params: SqlValue[] = []): void {
    this.#use(sql, params, (statement) => {
      statement.step();
    });
  }

  /** The first row (values in column order), or undefined. */
  one(sql: string, params: SqlValue[] = []): SqlValue[] | undefined {
    return this.#use(sql, params, (statement) => (statement.step() ? statement.get() : undefined));
  }

  /** The first row by column name, or undefined. */
  oneByName(sql: string, params: SqlValue[] = []): Record<string, SqlValue> | undefined {
    return this.#use(sql, params, (statement) => (statement.step() ? statement.getAsObject() : undefined));
  }

  /** Every row (values in column order). */
  all(sql: string, params: SqlValue[] = []): SqlValue[][] {
    return this.#use(sql, params, (statement) => {
      const rows: SqlValue[][] = [];
      while (statement.step()) rows.push(statement.get());
      return rows;
    });
  }

  /** Steps through the rows (values in column order) until `visit` returns false. */
  each(sql: string, params: SqlValue[], visit: (row: SqlValue[]) => boolean): void {
    this.#use(sql, params, (statement) => {
      while (statement.step()) if (!visit(statement.get())) return;
    });
  }

  /** Frees every statement; call before closing the database. */
  free(): void {
    for (const statement of this.#statements.values()) statement.free();
    this.#statements.clear();
  }

  #use<T>(sql: string, params: SqlValue[], work: (statement: Statement) => T): T {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    try {
      statement.bind(params);
      return work(statement);
    } finally {
      statement.reset();
    }
  }
}

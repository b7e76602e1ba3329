// The log database's tables. It is a separate sql.js database from the document store: logs are
// written far more often than documents, are pruned, and must never be part of a user's data.
//
// `user_version` marks a file as ours, so opening some other SQLite file (or a newer layout) fails
// with an error instead of being silently rewritten.

export const LOG_STORE_SCHEMA_VERSION = 1;

export const LOG_STORE_SCHEMA = `
CREATE TABLE executions (
  id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  parent_id TEXT,
  udf_type TEXT NOT NULL CHECK (udf_type IN ('query', 'mutation', 'action', 'httpAction')),
  identifier TEXT NOT NULL,
  -- 'http' | 'api' | 'scheduler' | 'nested' | 'cli' | 'test' today; left open so a new kind of
  -- caller can never make logging fail.
  caller TEXT NOT NULL,
  started_at REAL NOT NULL,
  duration_ms REAL,
  outcome TEXT CHECK (outcome IN ('success', 'failure')),
  http_status INTEGER,
  error_message TEXT,
  error_stack TEXT,
  -- Why a subscribed query ran (ExecutionCause): 'subscribed' | 'commit' | 'reload' | 'identity',
  -- and for 'commit' the request whose function committed. Null for other executions.
  cause TEXT,
  cause_request_id TEXT
);
-- Newest-first listing and per-request grouping.
CREATE INDEX executions_by_started ON executions (started_at);
CREATE INDEX executions_by_request ON executions (request_id, started_at);
-- Line filters on function type / identifier go through these.
CREATE INDEX executions_by_identifier ON executions (identifier);
CREATE INDEX executions_by_udf_type ON executions (udf_type, identifier);

CREATE TABLE log_lines (
  -- AUTOINCREMENT so ids are never reused after pruning: a client paging with "before <id>" or
  -- tailing "after <id>" must not see a recycled id.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  execution_id TEXT NOT NULL REFERENCES executions (id),
  request_id TEXT NOT NULL,
  timestamp REAL NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('LOG', 'DEBUG', 'INFO', 'WARN', 'ERROR')),
  message TEXT NOT NULL,
  is_truncated INTEGER NOT NULL DEFAULT 0,
  system_code TEXT
);
-- Newest-first paging uses the primary key; these serve the filters. (Foreign keys are not
-- enforced: sql.js resets PRAGMAs on every export, so LogStore deletes dependent rows itself.)
CREATE INDEX log_lines_by_request ON log_lines (request_id, id);
CREATE INDEX log_lines_by_execution ON log_lines (execution_id, id);
CREATE INDEX log_lines_by_level ON log_lines (level, id);

PRAGMA user_version = ${LOG_STORE_SCHEMA_VERSION};
`;

// Indexes added after version 1: created when a store opens (an index changes no data, so files
// written before keep their version). executions_by_end orders finished executions by end time
// for the logs panel (log-queries.ts writes the expression exactly as here).
export const LOG_STORE_ADDED_INDEXES = `
CREATE INDEX IF NOT EXISTS executions_by_end ON executions (started_at + duration_ms);
`;

/**
 * Columns added after version 1, with their definitions: added when a store opens a file written
 * before (a nullable column changes no row, and earlier builds, which name their columns, still read
 * and write the file).
 */
export const LOG_STORE_ADDED_COLUMNS: ReadonlyArray<[table: string, column: string, definition: string]> = [
  ["executions", "cause", "TEXT"],
  ["executions", "cause_request_id", "TEXT"],
];

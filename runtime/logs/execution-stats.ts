// Per-function statistics over the executions the log store keeps: calls, failures, and the 50th
// and 95th percentiles of the durations of finished executions, in one SQL statement.
//
// Percentiles interpolate linearly between the closest ranks (what numpy's default and Excel's
// PERCENTILE.INC compute): over n sorted durations v[0..n-1], the p-th percentile is at position
// h = (n - 1) * p / 100, i.e. v[floor(h)] + frac(h) * (v[floor(h) + 1] - v[floor(h)]). floor(h) and
// frac(h) are computed in integers (`(n - 1) * p / 100` and `% 100`), so p95 of 21 values is exactly
// v[19], not v[18] plus a rounding error. Running executions count as calls but have no duration.
//
// Everything the caller chooses is a bound parameter; the SQL text is fixed but for the number of
// `:udfN` and `:idN` placeholders. Over all stored executions this reads every row (about a second
// for 100,000 in sql.js); with `identifiers` it reads only theirs, through executions_by_identifier.
import type { Database } from "sql.js";
import type { UdfType } from "./cli-format.js";
import { allRows } from "./sql-js.js";

export interface ExecutionStatsQuery {
  /** Only these kinds of function (default: all four). */
  udfTypes?: readonly UdfType[];
  /** Only these functions (`messages:send`, `POST /postMessage`); indexed, so a few are cheap. */
  identifiers?: readonly string[];
  /** Only executions started at or after this time (ms since the epoch). */
  since?: number;
}

export interface ExecutionStats {
  udfType: UdfType;
  /** `messages:send`, or `POST /postMessage` for HTTP actions. */
  identifier: string;
  calls: number;
  errors: number;
  /** Null when no execution of this function has finished. */
  p50Ms: number | null;
  p95Ms: number | null;
}

/** The weighted terms of one percentile: the rows at floor(h) and floor(h) + 1 of each group. */
function percentileTerm(param: string): string {
  const low = `((n - 1) * ${param}) / 100`;
  const fraction = `(((n - 1) * ${param}) % 100) / 100.0`;
  return `SUM(CASE k - ${low} WHEN 0 THEN duration_ms * (1 - ${fraction}) WHEN 1 THEN duration_ms * ${fraction} END)`;
}

export function queryExecutionStats(db: Database, query: ExecutionStatsQuery = {}): ExecutionStats[] {
  const params: Record<string, string | number> = { ":p50": 50, ":p95": 95 };
  const where: string[] = [];
  if (query.udfTypes !== undefined) {
    if (query.udfTypes.length === 0) return [];
    const names = query.udfTypes.map((udfType, index) => {
      params[`:udf${index}`] = udfType;
      return `:udf${index}`;
    });
    where.push(`udf_type IN (${names.join(", ")})`);
  }
  if (query.identifiers !== undefined) {
    if (query.identifiers.length === 0) return [];
    const names = query.identifiers.map((identifier, index) => {
      params[`:id${index}`] = identifier;
      return `:id${index}`;
    });
    where.push(`identifier IN (${names.join(", ")})`);
  }
  if (query.since !== undefined) {
    where.push("started_at >= :since");
    params[":since"] = query.since;
  }
  const rows = allRows(
    db,
    `WITH scoped AS (
       SELECT udf_type, identifier, outcome, duration_ms FROM executions
       ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
     ),
     totals AS (
       SELECT udf_type, identifier, COUNT(*) AS calls, SUM(outcome = 'failure') AS errors
       FROM scoped GROUP BY udf_type, identifier
     ),
     ranked AS (
       SELECT udf_type, identifier, duration_ms,
              ROW_NUMBER() OVER (PARTITION BY udf_type, identifier ORDER BY duration_ms) - 1 AS k,
              COUNT(*) OVER (PARTITION BY udf_type, identifier) AS n
       FROM scoped WHERE outcome IS NOT NULL AND duration_ms IS NOT NULL
     ),
     percentiles AS (
       SELECT udf_type, identifier, ${percentileTerm(":p50")} AS p50, ${percentileTerm(":p95")} AS p95
       FROM ranked GROUP BY udf_type, identifier
     )
     SELECT t.udf_type, t.identifier, t.calls, t.errors, p.p50, p.p95
     FROM totals t LEFT JOIN percentiles p ON p.udf_type = t.udf_type AND p.identifier = t.identifier
     ORDER BY t.identifier, t.udf_type`,
    params,
  );
  return rows.map((row) => ({
    udfType: row.udf_type as UdfType,
    identifier: String(row.identifier),
    calls: Number(row.calls),
    errors: Number(row.errors ?? 0),
    p50Ms: typeof row.p50 === "number" ? row.p50 : null,
    p95Ms: typeof row.p95 === "number" ? row.p95 : null,
  }));
}

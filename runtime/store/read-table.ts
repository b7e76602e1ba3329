// Every document of one table, read in batches inside a transaction the caller holds: for the
// host's small bookkeeping tables (function handles, job targets), never for user tables.
import type { DocumentJSON, ReadTransaction, SerializedQuery } from "./types";

export function readWholeTable(tx: ReadTransaction, tableName: string, options: { isSystem?: boolean } = {}): DocumentJSON[] {
  const query: SerializedQuery = { source: { type: "FullTableScan", tableName, order: "asc" }, operators: [] };
  const docs: DocumentJSON[] = [];
  let position: string | null = null;
  for (;;) {
    const batch = tx.queryBatch(query, position, 1024, options);
    docs.push(...batch.docs);
    if (batch.done) return docs;
    position = batch.position;
  }
}

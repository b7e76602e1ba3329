// The documents a commit wrote, from its commit-log entry: each put with its new value, each
// delete with null, named by their stored table.
import type { LogEntry } from "../store/persistence";
import type { DocumentJSON } from "../store/types";
import type { DocumentWrite } from "./read-set";

export function commitWrites(entry: LogEntry, tableNameOfId: (id: string) => string | null): DocumentWrite[] {
  const writes: DocumentWrite[] = [];
  for (const [id, , , json] of entry.puts ?? []) {
    writes.push({ id, table: tableNameOfId(id) ?? "", doc: JSON.parse(json) as DocumentJSON });
  }
  for (const id of entry.dels ?? []) writes.push({ id, table: tableNameOfId(id) ?? "", doc: null });
  return writes;
}

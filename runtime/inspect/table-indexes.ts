// The indexes the Data tab shows for a table, from the schema the store applied: database indexes
// (their fields in order), search indexes (the search field, then the filter fields) and vector
// indexes (the vector field, then the filter fields, with the dimensions), staged ones marked.
import type { SchemaInfo } from "../store/types";

export interface IndexSummary {
  name: string;
  kind: "database" | "search" | "vector";
  /** The fields it indexes, in order (see above). */
  fields: string[];
  /** What else defines it ("1536 dimensions"), or null. */
  detail: string | null;
  staged: boolean;
}

/** The indexes of a stored table ("counter/counters"), as declared; none when it is not in the schema. */
export function indexesOf(schema: SchemaInfo | null, storedTable: string): IndexSummary[] {
  const table = schema?.tables.find((t) => t.tableName === storedTable);
  if (!table) return [];
  const database =
    (staged: boolean) =>
    (index: { indexDescriptor: string; fields: string[] }): IndexSummary => ({
      name: index.indexDescriptor,
      kind: "database",
      fields: index.fields,
      detail: null,
      staged,
    });
  const vector =
    (staged: boolean) =>
    (index: NonNullable<typeof table.vectorIndexes>[number]): IndexSummary => ({
      name: index.indexDescriptor,
      kind: "vector",
      fields: [index.vectorField, ...index.filterFields],
      detail: `${index.dimensions} dimensions${index.filterFields.length > 0 ? `, filters: ${index.filterFields.join(", ")}` : ""}`,
      staged,
    });
  return [
    ...table.indexes.map(database(false)),
    ...(table.stagedDbIndexes ?? []).map(database(true)),
    ...(table.searchIndexes ?? []).map(
      (index): IndexSummary => ({
        name: index.indexDescriptor,
        kind: "search",
        fields: [index.searchField, ...index.filterFields],
        detail: index.filterFields.length > 0 ? `filters: ${index.filterFields.join(", ")}` : null,
        staged: false,
      }),
    ),
    ...(table.vectorIndexes ?? []).map(vector(false)),
    ...(table.stagedVectorIndexes ?? []).map(vector(true)),
  ];
}

// The index rules the backend checks when a schema is pushed (crates/common/src/schemas/json.rs,
// TryFrom<TableDefinitionJson>, with the wording of bootstrap_model/index/index_validation_error.rs).
// `defineTable().index()` accepts all of these, so without this check a schema that Convex refuses
// would load here; a repeated index name would even leave the store's indexes flip-flopping
// between the two definitions on every reload.
import type { SchemaInfo } from "../store/types";
import { vectorFieldProblem, vectorIndexProblem } from "./vector-schema-check";

const RESERVED_INDEX_NAMES = new Set(["by_id", "by_creation_time"]);

/** The first rule the schema breaks, in the backend's words; null when it is fine. */
export function schemaIndexProblem(schema: SchemaInfo): string | null {
  for (const table of schema.tables) {
    const tableName = table.tableName;
    const dbIndexes = [...table.indexes, ...(table.stagedDbIndexes ?? [])];
    for (const index of dbIndexes) {
      const name = index.indexDescriptor;
      if (name.startsWith("_") || RESERVED_INDEX_NAMES.has(name)) {
        return (
          `In table "${tableName}" cannot name an index "${name}" because the name is reserved. ` +
          `Indexes may not start with an underscore or be named "by_id" or "by_creation_time".`
        );
      }
      if (index.fields.length === 0) return `In table "${tableName}" index "${name}" must have at least one field.`;
      for (const field of index.fields) {
        if (field === "_id") return "`_id` is not a valid index field. To load documents by ID, use `db.get(id)`.";
        if (field === "_creationTime") {
          return (
            "`_creationTime` is automatically added to the end of each index. It should not be added explicitly " +
            "in the index definition. See https://docs.convex.dev/using/indexes for more details."
          );
        }
        if (field.startsWith("_")) return "Reserved fields (starting with `_`) are not allowed in indexes.";
      }
    }
    const byFields = new Map<string, string>();
    for (const index of dbIndexes) {
      const key = JSON.stringify(index.fields);
      const other = byFields.get(key);
      if (other !== undefined && other !== index.indexDescriptor) {
        const [first, second] = [other, index.indexDescriptor].sort();
        return `In table "${tableName}" index "${second}" and index "${first}" have the same fields. Indexes must be unique within a table.`;
      }
      byFields.set(key, index.indexDescriptor);
    }
    const vectorProblem = vectorIndexProblem(table);
    if (vectorProblem !== null) return vectorProblem;
    const seen = new Set<string>();
    const vectorIndexes = [...(table.vectorIndexes ?? []), ...(table.stagedVectorIndexes ?? [])];
    for (const name of [...dbIndexes, ...(table.searchIndexes ?? []), ...vectorIndexes].map((i) => i.indexDescriptor)) {
      if (seen.has(name)) return `Table "${tableName}" has two or more definitions of index "${name}".`;
      seen.add(name);
    }
  }
  return vectorFieldProblem(schema);
}

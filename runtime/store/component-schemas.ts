// The store validates and indexes every namespace from one SchemaInfo: each component's schema
// is folded into it with its tables renamed as stored ("twilio/messages"), and so are the tables
// its `v.id("…")` validators name, which keeps an ID of the app's `users` from passing as an ID of
// a component's `users`. Validation is per schema on the backend; a schema with
// `schemaValidation: false` keeps its indexes here and loses its document types.
import { storedTableName } from "./namespaces";
import type { JSONValue, SchemaInfo } from "./types";

export interface ComponentSchema {
  component: string;
  schema: SchemaInfo | null;
}

export function mergeComponentSchemas(schemas: ComponentSchema[]): SchemaInfo | null {
  if (schemas.every(({ schema }) => schema === null)) return null;
  const tables: SchemaInfo["tables"] = [];
  for (const { component, schema } of schemas) {
    for (const table of schema?.tables ?? []) {
      const documentType = schema!.schemaValidation && table.documentType !== null ? qualifyIdTables(table.documentType, component) : null;
      tables.push({ ...table, tableName: storedTableName(component, table.tableName), documentType });
    }
  }
  return { schemaValidation: schemas.some(({ schema }) => schema?.schemaValidation === true), tables };
}

/** Rewrites `{type: "id", tableName}` anywhere in a validator to the stored table name. */
function qualifyIdTables(validator: JSONValue, component: string): JSONValue {
  if (Array.isArray(validator)) return validator.map((item) => qualifyIdTables(item, component));
  if (validator === null || typeof validator !== "object") return validator;
  const out: { [key: string]: JSONValue } = {};
  for (const [key, value] of Object.entries(validator)) out[key] = qualifyIdTables(value, component);
  if (validator.type === "id" && typeof validator.tableName === "string") out.tableName = storedTableName(component, validator.tableName);
  return out;
}

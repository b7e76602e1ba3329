// Where things are in a snapshot ZIP, as the backend writes and reads them
// (get-convex/convex-backend crates/exports/src/lib.rs and zip_uploader.rs write it,
// crates/application/src/snapshot_import/parse.rs reads it):
//   README.md
//   _tables/documents.jsonl                 {"name": table, "id": table number}, one line per table
//   <table>/documents.jsonl                 one document per line (export-json.ts)
//   <table>/generated_schema.jsonl          "uniform"
//   _storage/documents.jsonl                {"_id", "_creationTime", "sha256", "size", "contentType", …}
//   _storage/<storage id>[.ext]             a file's bytes (the extension is a guess from its type)
//   _components/<name>/…                    the same for a component install, nested per level
// A leading folder before all of it is ignored (the import's regexes allow any prefix), and so are
// the system tables other than _tables and _storage, as the backend's import skips them.
import { isTableIdentifier } from "../store/document-rules";

export const TABLES_TABLE = "_tables";
export const STORAGE_TABLE = "_storage";
export const COMPONENTS_FOLDER = "_components";

export type EntryRole =
  | { kind: "documents"; component: string; table: string }
  | { kind: "schema"; component: string; table: string }
  | { kind: "file"; component: string; id: string }
  | { kind: "skipped" }
  | { kind: "invalid"; reason: string };

const DOCUMENTS = /^(.*\/)?([^/]+)\/documents\.jsonl$/;
const GENERATED_SCHEMA = /^(.*\/)?([^/]+)\/generated_schema\.jsonl$/;
const STORAGE_FILE = /^(.*\/)?_storage\/([^/.]+)(?:\.[^/]+)?$/;
const COMPONENT = /^(.*\/)?_components\/([^/]+)\/$/;

/** Component names are identifiers, as in `app.use(component, { name })`. */
function isComponentName(name: string): boolean {
  return name.length <= 64 && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}

/** The component path ("workpool/batchWorker", "" for the app) that a prefix names. */
function componentOf(prefix: string): string | { reason: string } {
  const names: string[] = [];
  let rest = prefix;
  for (let match = COMPONENT.exec(rest); match; match = COMPONENT.exec(rest)) {
    const name = match[2]!;
    if (!isComponentName(name)) return { reason: `component name ${JSON.stringify(name)} is not valid (letters, digits and _)` };
    names.unshift(name);
    rest = match[1] ?? "";
  }
  return names.join("/");
}

export function entryRole(name: string): EntryRole {
  if (name.endsWith("/")) return { kind: "skipped" };
  for (const [pattern, kind] of [
    [DOCUMENTS, "documents"],
    [GENERATED_SCHEMA, "schema"],
  ] as const) {
    const match = pattern.exec(name);
    if (!match) continue;
    const table = match[2]!;
    const component = componentOf(match[1] ?? "");
    if (typeof component !== "string") return { kind: "invalid", ...component };
    if (!isTableIdentifier(table)) {
      return { kind: "invalid", reason: `table name ${JSON.stringify(table)} is not valid (letters, digits and _, up to 64)` };
    }
    if (table.startsWith("_") && table !== TABLES_TABLE && table !== STORAGE_TABLE) return { kind: "skipped" };
    return { kind, component, table };
  }
  const file = STORAGE_FILE.exec(name);
  if (!file) return { kind: "skipped" };
  const component = componentOf(file[1] ?? "");
  return typeof component === "string" ? { kind: "file", component, id: file[2]! } : { kind: "invalid", ...component };
}

/** The entry name of a file of `component` ("" for the app): "_components/a/_components/b/x". */
export function entryName(component: string, path: string): string {
  const prefix =
    component === ""
      ? ""
      : `${component
          .split("/")
          .map((name) => `${COMPONENTS_FOLDER}/${name}/`)
          .join("")}`;
  return `${prefix}${path}`;
}

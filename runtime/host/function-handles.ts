// Function handles (`createFunctionHandle`, `function://…`), kept as the backend keeps them
// (crates/model/src/components/handles.rs): one row per function of every install, public and
// internal, in the `_function_handles` system table, written when the code is loaded; a handle is
// `function://<row id>#<function path>` and only the id counts when it is resolved. A function
// that disappears keeps its row with a deletion time, so its handles fail with the backend's
// error, and come back to life if the function does.
import type { FeatureHandlers } from "./op-handlers";
import type { LoadedComponent } from "../shared/protocol";
import type { FUNCTION_HANDLE_OPS } from "../shared/host-ops";
import type { StorePort } from "./store-port";
import type { DocumentJSON, WriteTransaction } from "../store/types";
import { canonicalName, parseFunctionPath, runtimeName } from "../scheduler/function-path";
import { readWholeTable } from "../store/read-table";

export const HANDLES_TABLE = "_function_handles";
const SYSTEM = { isSystem: true } as const;
const PREFIX = "function://";

interface HandleRow {
  id: string;
  component: string;
  /** Canonical path: "messages.js:insert". */
  path: string;
  deletedTs: number | null;
}

/** crates/common/src/bootstrap_model/components/handles.rs, FunctionHandleNotFound. */
const NOT_FOUND = "Function handle not found";

export class FunctionHandles {
  readonly #byId = new Map<string, HandleRow>();
  readonly #byFunction = new Map<string, HandleRow>();

  constructor(private readonly store: StorePort) {}

  readonly handlers: FeatureHandlers<typeof FUNCTION_HANDLE_OPS> = {
    "handles/create": async (args) => this.create(args.component, args.name),
    "handles/resolve": async (args) => this.resolve(args.handle),
  };

  /** The handle of `name` in install `component`. */
  create(component: string, name: string): string {
    const row = this.#byFunction.get(functionKey(component, canonicalName(parseFunctionPath(name))));
    if (!row || row.deletedTs !== null) throw new Error(NOT_FOUND);
    return `${PREFIX}${row.id}#${runtimeName(parseFunctionPath(row.path))}`;
  }

  /** The function a handle names: its install and its name there. */
  resolve(handle: string): { component: string; name: string } {
    if (!handle.startsWith(PREFIX)) throw new Error(`Invalid function handle ${handle}`);
    const hash = handle.indexOf("#", PREFIX.length);
    const id = handle.slice(PREFIX.length, hash < 0 ? undefined : hash);
    const row = this.#byId.get(id);
    if (!row || row.deletedTs !== null) throw new Error(NOT_FOUND);
    return { component: row.component, name: runtimeName(parseFunctionPath(row.path)) };
  }

  /** Brings the table in line with the code just loaded, in one transaction. */
  async sync(components: LoadedComponent[]): Promise<void> {
    const loaded = new Set<string>();
    for (const component of components) {
      for (const fn of component.functions) loaded.add(functionKey(component.path, canonicalName(parseFunctionPath(fn.name))));
    }
    const tx = await this.store.beginWrite();
    try {
      const rows = readRows(tx);
      const now = Date.now();
      const known = new Set<string>();
      for (const row of rows) {
        const key = functionKey(row.component, row.path);
        known.add(key);
        const wanted = loaded.has(key);
        if (wanted && row.deletedTs !== null) {
          tx.patch(row.id, { deletedTs: null }, SYSTEM);
          row.deletedTs = null;
        } else if (!wanted && row.deletedTs === null) {
          tx.patch(row.id, { deletedTs: now }, SYSTEM);
          row.deletedTs = now;
        }
      }
      for (const key of loaded) {
        if (known.has(key)) continue;
        const [component, path] = splitKey(key);
        const id = tx.insert(HANDLES_TABLE, { component, path, deletedTs: null }, SYSTEM);
        rows.push({ id, component, path, deletedTs: null });
      }
      tx.commit();
      this.#byId.clear();
      this.#byFunction.clear();
      for (const row of rows) {
        this.#byId.set(row.id, row);
        this.#byFunction.set(functionKey(row.component, row.path), row);
      }
    } catch (error) {
      tx.abort();
      throw error;
    }
  }
}

function readRows(tx: WriteTransaction): HandleRow[] {
  return readWholeTable(tx, HANDLES_TABLE, SYSTEM).map(rowOf);
}

function rowOf(doc: DocumentJSON): HandleRow {
  return {
    id: doc._id,
    component: String(doc.component),
    path: String(doc.path),
    deletedTs: typeof doc.deletedTs === "number" ? doc.deletedTs : null,
  };
}

function functionKey(component: string, path: string): string {
  return `${component}\u0000${path}`;
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf("\u0000");
  return [key.slice(0, at), key.slice(at + 1)];
}

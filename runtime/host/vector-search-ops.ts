// `ctx.vectorSearch` (the `1.0/actions/vectorSearch` syscall), answered by the store from the
// committed documents. The backend offers it to actions only (HTTP actions included); a component
// searches its own tables, named as it names them, and reads errors in its own terms.
import { ROOT_COMPONENT, storedIndexName } from "../store/namespaces";
import type { VectorMatch } from "../store/vector-index";
import type { VECTOR_SEARCH_OPS } from "../shared/host-ops";
import type { FeatureHandlers, OpContext } from "./op-handlers";

const OP = "1.0/actions/vectorSearch";

export interface VectorSearcher {
  vectorSearch(query: unknown): Promise<VectorMatch[]>;
}

export function vectorSearchHandlers(store: VectorSearcher): FeatureHandlers<typeof VECTOR_SEARCH_OPS> {
  return { [OP]: (args, context) => search(store, args.query, context) };
}

async function search(store: VectorSearcher, query: unknown, context: OpContext): Promise<{ results: VectorMatch[] }> {
  // Queries and mutations have no such syscall (the backend's UDF environment does not know it).
  if (context.udfType !== "action" && context.udfType !== "httpAction") throw new Error(`Unknown async operation ${OP}`);
  if (context.component === ROOT_COMPONENT) return { results: await store.vectorSearch(query) };
  const indexName = (query as { indexName?: unknown } | null)?.indexName;
  // A "/" would name another install's table.
  if (typeof indexName === "string" && indexName.includes("/")) throw new Error(`Index ${indexName} not found.`);
  const qualified =
    typeof indexName === "string" ? { ...(query as object), indexName: storedIndexName(context.component, indexName) } : query;
  try {
    return { results: await store.vectorSearch(qualified) };
  } catch (error) {
    if (error instanceof Error) error.message = error.message.split(`${context.component}/`).join("");
    throw error;
  }
}

// Error texts of vector search (`ctx.vectorSearch`), in the backend's words. Each builder names
// where its text comes from (get-convex/convex-backend); texts we had to write say so.
import { StoreError } from "./errors";

/** crates/vector/src/lib.rs (MAX_VECTOR_RESULTS, DEFAULT_VECTOR_LIMIT, MAX_FILTER_LENGTH). */
export const MAX_VECTOR_RESULTS = 256;
export const DEFAULT_VECTOR_LIMIT = 10;
export const MAX_FILTER_LENGTH = 64;
/** crates/common/src/bootstrap_model/index/vector_index/dimensions.rs. */
export const MIN_VECTOR_DIMENSIONS = 2;
export const MAX_VECTOR_DIMENSIONS = 4096;

/** crates/vector/src/lib.rs, vector_dimensions_mismatch_error. */
export function vectorDimensionsMismatch(received: number, expected: number): StoreError {
  return new StoreError("VectorDimensionsMismatch", `Expected a vector with dimensions ${expected}, received ${received}.`);
}

/** crates/vector/src/lib.rs, incorrect_vector_filter_field_error (the field path printed quoted). */
export function incorrectVectorFilterField(indexName: string, fieldPath: string): StoreError {
  return new StoreError(
    "IncorrectVectorFilterField",
    `Vector query against ${indexName} contains a filter on ${JSON.stringify(fieldPath)} but that field isn't indexed for filtering in \`filterFields\`.`,
  );
}

/** crates/vector/src/qdrant_index.rs, QdrantSchema::compile. */
export function vectorLimitTooLarge(limit: number): StoreError {
  return new StoreError("VectorLimitTooLargeError", `Vector queries can fetch at most ${MAX_VECTOR_RESULTS} results, requested ${limit}.`);
}

/** crates/vector/src/qdrant_index.rs, QdrantSchema::compile. */
export function tooManyVectorFilterConditions(indexName: string, count: number): StoreError {
  return new StoreError(
    "TooManyElementsInVectorQueryError",
    `Vector query against ${indexName} has too many conditions. Max: ${MAX_FILTER_LENGTH} Actual: ${count}`,
  );
}

/** crates/vector/src/query.rs, VectorSearchExpression::assemble_filter_map. */
export function eqNeedsFieldAndValue(): StoreError {
  return new StoreError("InvalidVectorSearchFilter", "`q.eq` must take a field path as its first argument and a value as its second");
}

/** crates/vector/src/query.rs, VectorSearchExpression::assemble_filter_map. */
export function onlyEqAndOr(): StoreError {
  return new StoreError("InvalidVectorSearchFilter", "Filters should be a combination of `q.eq` and `q.or`.");
}

/** crates/vector/src/vector_index_manager.rs, VectorIndexManager::vector_search. */
export function notAVectorIndex(indexName: string): StoreError {
  return new StoreError("IndexNotAVectorIndexError", `Index ${indexName} is not a vector index`);
}

/**
 * A query the backend cannot deserialize (`serde_json::from_value` in the vectorSearch syscall):
 * it answers with an internal error that says nothing. Our own words say what is wrong.
 */
export function invalidVectorQuery(reason: string): StoreError {
  return new StoreError("InvalidVectorQuery", `Invalid vector search query: ${reason}`);
}

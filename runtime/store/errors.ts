// Error texts, in the backend's words where the backend has words for the situation, so a
// function that fails locally fails with the message it would get in production. Each builder
// names where its text comes from (get-convex/convex-backend, crates/...). Texts we had to invent
// say so.

/** An error the store reports to user code. `code` is the backend's short error code, for logs. */
export class StoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "Error";
  }
}

/** `with_argument_error` (crates/isolate/src/environment/helpers): "Invalid argument `x` for `db.y`: …". */
export function invalidArgument(syscall: string, arg: string, reason: string): StoreError {
  return new StoreError("InvalidArgument", `Invalid argument \`${arg}\` for \`${syscall}\`: ${reason}`);
}

/** crates/database/src/transaction.rs (patch_inner / replace_inner / delete_inner). */
export function nonexistentDocument(op: "Update" | "Replace" | "Delete", id: string): StoreError {
  return new StoreError("NonexistentDocument", `${op} on nonexistent document ID ${id}`);
}

/** crates/isolate/src/environment/udf/async_syscall.rs, system_table_guard. */
export function systemTableGuard(expectSystem: boolean): StoreError {
  return new StoreError(
    "SystemTableError",
    expectSystem ? "User tables cannot be accessed with db.system." : "System tables can only be accessed with db.system.",
  );
}

/** crates/common/src/bootstrap_model/index (index_not_found_error). */
export function indexNotFound(indexName: string): StoreError {
  return new StoreError("IndexNotFoundError", `Index ${indexName} not found.`);
}

/** crates/common/src/bootstrap_model/index (index_staged_error). */
export function indexStaged(indexName: string): StoreError {
  return new StoreError("IndexStagedError", `Index ${indexName} is currently staged and not available to query until it is enabled.`);
}

/** crates/common/src/query.rs, already_defined_bound_error. `field` is already quoted. */
export function alreadyDefinedBound(boundType: string, field: string, comparator: string, value: string): StoreError {
  return new StoreError(
    "AlreadyDefinedBound",
    `Already defined ${boundType} bound in index range. Can't add ${field} ${comparator} ${value}.`,
  );
}

/** crates/common/src/query.rs, bounds_on_multiple_fields_error. */
export function boundsOnMultipleFields(indexName: string, first: string, second: string): StoreError {
  return new StoreError(
    "BoundsOnMultipleFields",
    `Upper and lower bounds in \`range\` can only be applied to a single index field. This query against index ${indexName} attempted to set a range bound on both ${first} and ${second}. Consider using \`filter\` instead. See https://docs.convex.dev/using/indexes for more info.`,
  );
}

/** crates/common/src/query.rs, invalid_index_range. Lists are already formatted ("[\"a\", \"b\"]"). */
export function invalidIndexRange(indexName: string, indexFields: string, queryFields: string, field: string): StoreError {
  return new StoreError(
    "InvalidIndexRange",
    `Tried to query index ${indexName} but the query didn't use the index fields in order.\nIndex fields: ${indexFields}\nQuery fields: ${queryFields}\nFirst incorrect field: ${field}\nFor more information see https://docs.convex.dev/using/indexes.`,
  );
}

/** crates/common/src/query.rs, field_not_in_index_error. */
export function fieldNotInIndex(field: string, indexName: string, indexFields: string): StoreError {
  return new StoreError(
    "FieldNotInIndex",
    `The index range included a comparison with ${field}, but ${indexName} with fields ${indexFields} doesn't index this field. For more information see https://docs.convex.dev/using/indexes.`,
  );
}

/** crates/common/src/query.rs, binary_arithmetic / Expression::Neg; types/maybe_value.rs, into_boolean. */
export function evalError(message: string): StoreError {
  return new StoreError("EvalError", message);
}

/** crates/isolate/src/environment/udf/async_syscall.rs, query_page. */
export function noDocumentsForPagination(): StoreError {
  return new StoreError("NoDocumentsForPagination", "Must request at least 1 document while paginating");
}

/** crates/isolate/src/environment/udf/async_syscall.rs, query_page. */
export function invalidPaginationLimit(): StoreError {
  return new StoreError("InvalidPaginationLimit", "maximumRowsRead and maximumBytesRead must be greater than 0");
}

/** crates/database/src/query/mod.rs, invalid_cursor. */
export function invalidCursor(): StoreError {
  return new StoreError(
    "InvalidCursor",
    "InvalidCursor: Tried to run a query starting from a cursor, but it looks like this cursor is from a different query.",
  );
}

/** crates/common/src/document.rs, ResolvedDocument::new_internal (values are pre-formatted). */
export function idMismatch(idValue: string, fieldValue: string): StoreError {
  return new StoreError("InvalidIdError", `Provided document ID ${idValue} doesn't match '_id' field ${fieldValue}`);
}

/**
 * crates/common/src/document.rs, ResolvedDocument::new_internal. The backend prints the creation
 * time with Rust's `{:?}` of an `Option<CreationTime>`; we print the number (unverified detail).
 */
export function creationTimeMismatch(creationTime: string, document: string): StoreError {
  return new StoreError(
    "InvalidCreationTimeError",
    `Provided creation time ${creationTime} doesn't match '_creationTime' field in ${document}`,
  );
}

/** crates/common/src/document.rs, DocumentValidationError::SystemField (inside "… isn't a valid document: …"). */
export function systemFieldInDocument(document: string, field: string): StoreError {
  return new StoreError(
    "InvalidDocumentError",
    `${document} isn't a valid document: Field '${field}' starts with an underscore, which is only allowed for system fields like '_id'`,
  );
}

/** Identifier rule for table names, as the backend words it for an invalid table name. */
export function invalidTableName(name: string): string {
  return `Invalid table name: ${JSON.stringify(name)}. Identifiers must start with a letter and can only contain letters, digits, and underscores.`;
}

/**
 * `db.get(table, id)` / `db.patch(table, id, …)` with an ID of another table. Our own wording
 * (the backend snapshot we read predates the explicit-table syscall argument).
 */
export function idInWrongTable(syscall: string, id: string, expected: string, actual: string): StoreError {
  return invalidArgument(syscall, "id", `ID "${id}" belongs to table "${actual}", not to table "${expected}"`);
}

/** The value of an insert / replace / patch is not an object (`TryFrom<ConvexValue> for ConvexObject`). */
export function notAnObject(syscall: string): StoreError {
  return invalidArgument(syscall, "value", "Value must be an Object");
}

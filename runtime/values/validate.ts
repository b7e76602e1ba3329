// The three places the backend validates values, with its exact error messages:
//   - arguments:  crates/udf/src/validation.rs (`ValidatedPathAndArgs::new_inner`) and
//                 crates/model/src/modules/function_validators.rs (`ArgsValidator::check_args`),
//   - returns:    function_validators.rs (`ReturnsValidator::check_output`),
//   - documents:  crates/common/src/schemas/mod.rs (`DocumentSchema::check_value`,
//                 `SchemaEnforcementError::Document`).
// Each returns the message the backend would fail the function with, or null when the value
// passes. A validator the backend would have refused at push time throws InvalidValidatorError.
import type { JSONValue } from "convex/values";
import { checkValue, type CheckContext } from "./check-value.js";
import { ConvexObject, decodeJsonValue, type ConvexValue } from "./convex-value.js";
import { displayValue } from "./display-value.js";
import { formatValidationError } from "./validation-error.js";
import { InvalidValidatorError, parseValidator, type ObjectValidator, type Validator } from "./validator.js";

export type { CheckContext } from "./check-value.js";
export { InvalidValidatorError } from "./validator.js";

/**
 * `argsValidatorJson` is `fn.exportArgs()`. `args` is either the parsed `argsStr` the function is
 * invoked with (a one-element array, `convexToJson([args])`) or that array's single element.
 */
export function validateArgs(argsValidatorJson: string, args: JSONValue, ctx: CheckContext): string | null {
  const validator = cachedValidator(argsValidatorJson);
  // `v.any()` means "no args validator": the backend does not look at the arguments at all.
  if (validator.kind === "any") return null;
  if (validator.kind !== "object") throw new InvalidValidatorError("Args validator must be an object or any");
  const message = checkArgs(validator, Array.isArray(args) ? args.map(decodeJsonValue) : [decodeJsonValue(args)], ctx);
  // The inner message is a JsError, whose Display ends with a newline (crates/common/src/errors.rs,
  // `impl Debug for JsError` uses writeln!), and validation.rs interpolates that Display.
  return message === null ? null : `ArgumentValidationError: ${message}\n`;
}

function checkArgs(validator: ObjectValidator, args: ConvexValue[], ctx: CheckContext): string | null {
  if (args.length !== 1) {
    return `Expected to receive a single object as the function's argument. Instead received ${args.length} arguments: ${displayValue(args)}`;
  }
  const single = args[0]!;
  if (!(single instanceof ConvexObject)) {
    return `Expected to receive an object as the function's argument. Instead received: ${displayValue(single)}`;
  }
  const error = checkValue(validator, single, ctx);
  return error === null ? null : formatValidationError(error);
}

/** `returnsValidatorJson` is `fn.exportReturns()` (`"null"` when the function declares none). */
export function validateReturns(returnsValidatorJson: string, value: JSONValue, ctx: CheckContext): string | null {
  const json: unknown = JSON.parse(returnsValidatorJson);
  if (json === null) return null;
  const error = checkValue(cachedValidator(returnsValidatorJson), decodeJsonValue(value), ctx);
  return error === null ? null : `ReturnsValidationError: ${formatValidationError(error)}`;
}

/**
 * `documentType` is the table's `documentType` from `defineSchema(...).export()` (null or
 * `v.any()` when the table has no validator). `doc` may include `_id` / `_creationTime`.
 * The backend enforces this only when the schema's `schemaValidation` is on; so should callers.
 */
export function validateDocument(tableName: string, documentType: JSONValue, doc: JSONValue, ctx: CheckContext): string | null {
  if (documentType === null) return null;
  const schema = cachedDocumentValidator(documentType);
  if (schema === null) return null;
  const value = decodeJsonValue(doc);
  if (!(value instanceof ConvexObject)) throw new TypeError("validateDocument expects a document object");
  const error = checkValue(schema, withoutSystemFields(value), ctx);
  return error === null
    ? null
    : `Failed to insert or update a document in table "${tableName}" because it does not match the schema: ${formatValidationError(error)}`;
}

// `TryFrom<ValidatorJson> for DocumentSchema` (schemas/json.rs): a table validator is `any`, an
// object, or a union of objects, and system fields are dropped from each object validator. The
// document is then checked against the union of those objects.
function documentValidator(validator: Validator): Validator | null {
  if (validator.kind === "any") return null;
  const objects = validator.kind === "union" ? validator.members : [validator];
  const members = objects.map((member): Validator => {
    if (member.kind !== "object") {
      throw new InvalidValidatorError(`A table's document validator must be an object or a union of objects`);
    }
    return { kind: "object", fields: member.fields.filter(([name]) => !name.startsWith("_")) };
  });
  return { kind: "union", members };
}

// Schemas are validated against on every write; parse each table's validator once.
const documentValidators = new WeakMap<object, Validator | null>();

function cachedDocumentValidator(documentType: JSONValue): Validator | null {
  // Not an object: parseValidator rejects it with a clear error.
  if (typeof documentType !== "object" || documentType === null) return documentValidator(parseValidator(documentType));
  let validator = documentValidators.get(documentType);
  if (validator === undefined) {
    validator = documentValidator(parseValidator(documentType));
    documentValidators.set(documentType, validator);
  }
  return validator;
}

// `ConvexObject::filter_system_fields`: every top-level field starting with "_".
function withoutSystemFields(doc: ConvexObject): ConvexObject {
  return new ConvexObject(new Map([...doc.fields].filter(([name]) => !name.startsWith("_"))));
}

// exportArgs()/exportReturns() strings repeat on every call of a function; parse each once.
const parsed = new Map<string, Validator>();
const MAX_CACHED = 2048;

function cachedValidator(json: string): Validator {
  let validator = parsed.get(json);
  if (validator === undefined) {
    validator = parseValidator(JSON.parse(json));
    if (parsed.size >= MAX_CACHED) parsed.clear();
    parsed.set(json, validator);
  }
  return validator;
}

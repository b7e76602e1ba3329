// The backend's `ValidationError` variants and their message texts, verbatim from
// crates/common/src/schemas/validator.rs (`#[derive(Display)] enum ValidationError`). `{context}`
// there is either empty or "Path: <path>"; note that some variants put it straight after a
// period with no separator, which is what the backend prints too.
import type { ConvexObject, ConvexValue } from "./convex-value.js";
import { displayField, displayLiteral, displayValidator } from "./display-validator.js";
import { displayObject, displayValue } from "./display-value.js";
import type { LiteralValue, ObjectValidator, Validator } from "./validator.js";

export type ValidationError =
  | { kind: "TableNamesDoNotMatch"; id: string; foundTableName: string; validatorTable: string; path: string | null }
  | { kind: "SystemTableReference"; id: string; validatorTable: string; path: string | null }
  | { kind: "LiteralValuesDoNotMatch"; value: ConvexValue; literal: LiteralValue; path: string | null }
  | { kind: "MissingRequiredField"; object: ConvexObject; fieldName: string; objectValidator: ObjectValidator; path: string | null }
  | { kind: "ExtraField"; object: ConvexObject; fieldName: string; objectValidator: ObjectValidator; path: string | null }
  | { kind: "NoMatch"; value: ConvexValue; validator: Validator; path: string | null };

export function formatValidationError(error: ValidationError): string {
  const context = error.path === null ? "" : `Path: ${error.path}`;
  switch (error.kind) {
    case "TableNamesDoNotMatch":
      return `Found ID "${error.id}" from table \`${error.foundTableName}\`, which does not match the table name in validator \`v.id("${error.validatorTable}")\`.${context}`;
    case "SystemTableReference":
      return `Found ID "${error.id}" from a system table, which does not match the table name in validator \`v.id("${error.validatorTable}")\`.${context}`;
    case "LiteralValuesDoNotMatch":
      return `\`${displayValue(error.value)}\` does not match literal validator \`v.literal(${displayLiteral(error.literal)})\`.${context}`;
    case "MissingRequiredField":
      return (
        `Object is missing the required field \`${error.fieldName}\`. Consider wrapping the field validator in \`v.optional(...)\` if this is expected.\n` +
        `${context}\nObject: ${displayObject(error.object)}\nValidator: ${displayObjectValidator(error.objectValidator)}`
      );
    case "ExtraField":
      return (
        `Object contains extra field \`${error.fieldName}\` that is not in the validator.\n` +
        `${context}\nObject: ${displayObject(error.object)}\nValidator: ${displayObjectValidator(error.objectValidator)}`
      );
    case "NoMatch":
      return `Value does not match validator.\n${context}\nValue: ${displayValue(error.value)}\nValidator: ${displayValidator(error.validator)}`;
  }
}

function displayObjectValidator(v: ObjectValidator): string {
  return `v.object({${v.fields.map(([name, field]) => `${name}: ${displayField(field)}`).join(", ")}})`;
}

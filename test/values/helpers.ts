// Shared helpers for the validator tests: encode JS values to the wire form the runtime receives,
// and a table lookup standing in for the document store's real ID decoder.
import { convexToJson, type GenericValidator, type JSONValue, type Value, type ValidatorJSON } from "convex/values";

/** IDs in these tests are "<table>|<n>"; anything else is "not an ID". */
export const ctx = {
  tableNameOfId(id: string): string | null {
    const bar = id.indexOf("|");
    return bar > 0 ? id.slice(0, bar) : null;
  },
};

export const wire = (value: Value): JSONValue => convexToJson(value) as JSONValue;

/** A validator's `ValidatorJSON`; `.json` is marked internal in convex's published types. */
export const jsonOf = (validator: GenericValidator): ValidatorJSON => (validator as unknown as { json: ValidatorJSON }).json;

/** What `fn.exportArgs()` / `fn.exportReturns()` return for this validator. */
export const exported = (validator: GenericValidator): string => JSON.stringify(jsonOf(validator));

// How the backend's isolate turns one console argument into text
// (npm-packages/udf-runtime/src/02_console.ts): object-inspect with these options, so strings come
// out single-quoted at every level (`console.log("hi")` logs `'hi'`) and objects use two-space
// indentation. Node's util.inspect formats differently and must not be used here.
//
// One known difference: in Node, object-inspect also honours `util.inspect.custom` methods,
// which the isolate's build does not have.
import inspect from "object-inspect";

const OPTIONS = {
  // The isolate keeps single strings under the line limit and lets the line truncation handle
  // the rest; see MAX_LOG_LINE_LENGTH.
  maxStringLength: 32768,
  indent: 2,
  customInspect: true,
} as const;

export function inspectArg(value: unknown): string {
  return inspect(value, OPTIONS);
}

export function inspectArgs(values: readonly unknown[]): string[] {
  return values.map(inspectArg);
}

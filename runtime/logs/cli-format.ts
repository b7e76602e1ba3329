// Formats log output the way `npx convex dev` / `npx convex logs` print it
// (convex/src/cli/lib/logs.ts: `formatLogLineMessage`, `formatFunctionExecutionMessage`,
// `prefixLog`), so users see the same lines locally as against a deployment:
//
//   <time> [CONVEX H(POST /postMessage)] [LOG] 'hello'
//   <time> [CONVEX H(GET /boom)] Uncaught Error: boom
//   <time> [CONVEX Q(messages:list)] Function executed in 3 ms
//
// The CLI colours with chalk (cyan prefix, red errors, green success); here colour is opt-in and
// written as plain ANSI codes so tests and log files get plain text.
import { TRUNCATED_LINE_SUFFIX, type LogLine } from "./log-line.js";

export type UdfType = "query" | "mutation" | "action" | "httpAction";

export interface CliFormatOptions {
  /** Add ANSI colours as the Convex CLI does. Default false. */
  color?: boolean;
  /** Defaults to `new Date(ms).toLocaleString()`, what the CLI prints. */
  formatTimestamp?: (ms: number) => string;
}

/** The letter after `CONVEX`: the first character of the CLI's udfType name (Q, M, A, H). */
export function udfTypeLetter(udfType: UdfType): string {
  return udfType === "httpAction" ? "H" : udfType.charAt(0).toUpperCase();
}

function prefix(timestampMs: number, udfType: UdfType, identifier: string, options: CliFormatOptions): string {
  const time = (options.formatTimestamp ?? ((ms: number) => new Date(ms).toLocaleString()))(timestampMs);
  return `${time} [CONVEX ${udfTypeLetter(udfType)}(${identifier})]`;
}

/** One console line; the timestamp shown is the line's own. */
export function formatLogLine(udfType: UdfType, identifier: string, line: LogLine, options: CliFormatOptions = {}): string {
  const head = `${prefix(line.timestamp, udfType, identifier, options)} [${line.level}]`;
  const body = `${line.messages.join(" ")}${line.isTruncated ? TRUNCATED_LINE_SUFFIX : ""}`;
  return `${paint(head, CYAN, options)} ${body}`;
}

/** The failure line, e.g. `Uncaught Error: boom\n    at handler (...)`; the CLI prints it in red. */
export function formatErrorLine(
  timestampMs: number,
  udfType: UdfType,
  identifier: string,
  error: string,
  options: CliFormatOptions = {},
): string {
  return paint(`${prefix(timestampMs, udfType, identifier, options)} ${error}`, RED, options);
}

/** The `--success` line; the CLI rounds the duration up to whole milliseconds. */
export function formatSuccessLine(
  timestampMs: number,
  udfType: UdfType,
  identifier: string,
  executionTimeMs: number,
  options: CliFormatOptions = {},
): string {
  const text = `${prefix(timestampMs, udfType, identifier, options)} Function executed in ${Math.ceil(executionTimeMs)} ms`;
  return paint(text, GREEN, options);
}

const CYAN = 36;
const RED = 31;
const GREEN = 32;
const RESET_FOREGROUND = 39;

// chalk closes and reopens the colour around line breaks so each terminal line is coloured on its
// own; multi-line error stacks rely on that.
function paint(text: string, code: number, options: CliFormatOptions): string {
  if (!options.color) return text;
  const open = `\u001b[${code}m`;
  const close = `\u001b[${RESET_FOREGROUND}m`;
  return `${open}${text.replace(/\r?\n/g, (lineBreak) => `${close}${lineBreak}${open}`)}${close}`;
}

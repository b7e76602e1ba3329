// The Convex CLI's log lines (convex/src/cli/lib/logs.ts, `formatLogLineMessage`,
// `formatFunctionExecutionMessage`, `prefixLog`, `prefixForSource`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatErrorLine, formatLogLine, formatSuccessLine, udfTypeLetter } from "../../runtime/logs/cli-format.js";
import type { LogLine } from "../../runtime/logs/log-line.js";

const at = Date.UTC(2026, 0, 2, 3, 4, 5);
const fixedTime = { formatTimestamp: (ms: number) => new Date(ms).toISOString() };
const line = (messages: string[], extra: Partial<LogLine> = {}): LogLine => ({
  messages,
  level: "LOG",
  timestamp: at,
  isTruncated: false,
  ...extra,
});

test("letters are the first character of the CLI's udfType names", () => {
  assert.deepEqual((["query", "mutation", "action", "httpAction"] as const).map(udfTypeLetter), ["Q", "M", "A", "H"]);
});

test("console lines: prefix with the line's own time, level, messages joined by spaces", () => {
  assert.equal(
    formatLogLine("httpAction", "POST /postMessage", line(["'hello'"]), fixedTime),
    "2026-01-02T03:04:05.000Z [CONVEX H(POST /postMessage)] [LOG] 'hello'",
  );
  assert.equal(
    formatLogLine("mutation", "messages:send", line(["'inserted'", "'j57abc'"], { level: "INFO" }), fixedTime),
    "2026-01-02T03:04:05.000Z [CONVEX M(messages:send)] [INFO] 'inserted' 'j57abc'",
  );
  assert.equal(
    formatLogLine("query", "q", line(["'cut'"], { isTruncated: true }), fixedTime),
    "2026-01-02T03:04:05.000Z [CONVEX Q(q)] [LOG] 'cut' (truncated due to length)",
  );
});

test("the default timestamp is the locale string, as the CLI prints it", () => {
  assert.equal(formatLogLine("action", "jobs:run", line(["1"])), `${new Date(at).toLocaleString()} [CONVEX A(jobs:run)] [LOG] 1`);
});

test("error and success lines", () => {
  assert.equal(
    formatErrorLine(at, "httpAction", "GET /boom", "Uncaught Error: boom\n    at handler (../convex/http.ts:5:11)", fixedTime),
    "2026-01-02T03:04:05.000Z [CONVEX H(GET /boom)] Uncaught Error: boom\n    at handler (../convex/http.ts:5:11)",
  );
  assert.equal(
    formatSuccessLine(at, "query", "messages:list", 2.1, fixedTime),
    "2026-01-02T03:04:05.000Z [CONVEX Q(messages:list)] Function executed in 3 ms",
  );
});

test("colours only when asked: cyan prefix, red error (per line), green success", () => {
  const color = { ...fixedTime, color: true };
  assert.equal(formatLogLine("query", "q", line(["1"]), color), "\u001b[36m2026-01-02T03:04:05.000Z [CONVEX Q(q)] [LOG]\u001b[39m 1");
  assert.equal(
    formatErrorLine(at, "query", "q", "Uncaught Error: x\n    at f", color),
    "\u001b[31m2026-01-02T03:04:05.000Z [CONVEX Q(q)] Uncaught Error: x\u001b[39m\n\u001b[31m    at f\u001b[39m",
  );
  assert.equal(
    formatSuccessLine(at, "query", "q", 1, color),
    "\u001b[32m2026-01-02T03:04:05.000Z [CONVEX Q(q)] Function executed in 1 ms\u001b[39m",
  );
});

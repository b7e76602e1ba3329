// Console capture per execution. Expected behaviour from the backend:
//   formatting: npm-packages/udf-runtime/src/02_console.ts (object-inspect, strings quoted);
//   time/timeLog/timeEnd/trace texts: crates/isolate/src/ops/console.rs;
//   256-line cap + overflow text: the environments' trace() (crates/isolate/src/environment);
//   truncation: crates/common/src/log_lines.rs `new_developer_log_line`.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { LogCollector, type LogLine } from "../../runtime/logs/console-capture.js";
import { MAX_LOG_LINE_LENGTH, prettyLogLine } from "../../runtime/logs/log-line.js";

function capture(now: () => number = () => 1_700_000_000_000) {
  const seen: LogLine[] = [];
  const collector = new LogCollector({ onLine: (line) => seen.push(line), now });
  return { collector, console: collector.makeConsole(), seen };
}

describe("formatting", () => {
  test("top-level strings are quoted like nested ones; one message per argument", () => {
    const { console, seen } = capture();
    console.log("hi");
    console.log("it's", 1, true, null, undefined, 5n);
    assert.deepEqual(seen[0]!.messages, ["'hi'"]);
    assert.deepEqual(seen[1]!.messages, ["'it\\'s'", "1", "true", "null", "undefined", "5n"]);
    assert.equal(prettyLogLine(seen[0]!), "[LOG] 'hi'");
  });

  test("objects and arrays use object-inspect's layout with two-space indent", () => {
    const { console, seen } = capture();
    console.log({ a: "x", b: [1, 2] });
    console.log([1, "a"]);
    console.log({ n: { deep: "s" } });
    assert.equal(seen[0]!.messages[0], "{\n  a: 'x',\n  b: [ 1, 2 ]\n}");
    assert.equal(seen[1]!.messages[0], "[ 1, 'a' ]");
    assert.equal(seen[2]!.messages[0], "{\n  n: {\n    deep: 's'\n  }\n}");
  });

  test("errors, functions and maps", () => {
    const { console, seen } = capture();
    console.error(new Error("boom"), function named() {}, new Map([["k", 1]]));
    assert.deepEqual(seen[0]!.messages, ["[Error: boom]", "[Function: named]", "Map (1) {\n  'k' => 1\n}"]);
  });

  test("each method logs at its level; no arguments gives no messages", () => {
    const { console, seen } = capture();
    console.log();
    console.info("i");
    console.warn("w");
    console.error("e");
    console.debug("d");
    assert.deepEqual(
      seen.map((l) => [l.level, l.messages]),
      [
        ["LOG", []],
        ["INFO", ["'i'"]],
        ["WARN", ["'w'"]],
        ["ERROR", ["'e'"]],
        ["DEBUG", ["'d'"]],
      ],
    );
    assert.ok(seen.every((l) => l.timestamp === 1_700_000_000_000 && l.isTruncated === false));
  });

  test("only the console methods the Convex runtime has", () => {
    const { console } = capture();
    assert.deepEqual(Object.keys(console).sort(), ["debug", "error", "info", "log", "time", "timeEnd", "timeLog", "trace", "warn"]);
  });
});

describe("trace", () => {
  test("logs at LOG with the stack as a last message that starts and ends with a newline", () => {
    const { console, seen } = capture();
    (function callerOfTrace() {
      console.trace("here");
    })();
    const line = seen[0]!;
    assert.equal(line.level, "LOG");
    assert.equal(line.messages[0], "'here'");
    const stack = line.messages[1]!;
    assert.match(stack, /^\n {4}at callerOfTrace \(.*console-capture\.test\.ts:\d+:\d+\)\n/);
    assert.ok(stack.endsWith("\n"));
    assert.doesNotMatch(stack, /runtime[\\/]logs[\\/]console-capture/);
  });
});

describe("timers", () => {
  test("time/timeLog/timeEnd report whole milliseconds at INFO", () => {
    let clock = 1000;
    const { console, seen } = capture(() => clock);
    console.time("load");
    clock = 1012.7;
    console.timeLog("load", "step", { n: 1 });
    clock = 1043;
    console.timeEnd("load");
    assert.deepEqual(
      seen.map((l) => [l.level, l.messages]),
      [
        ["INFO", ["load: 12ms", "'step'", "{\n  n: 1\n}"]],
        ["INFO", ["load: 43ms"]],
      ],
    );
  });

  test("missing and duplicate timers warn with the backend's texts", () => {
    const { console, seen } = capture();
    console.timeEnd("nope");
    console.timeLog("nope");
    console.time();
    console.time();
    console.time(null);
    console.timeEnd(null);
    console.timeEnd();
    assert.deepEqual(
      seen.map((l) => `${l.level} ${l.messages.join(" ")}`),
      [
        "WARN Timer 'nope' does not exist",
        "WARN Timer 'nope' does not exist",
        "WARN Timer 'default' already exists",
        "INFO null: 0ms",
        "INFO default: 0ms",
      ],
    );
  });

  test("timers belong to one execution", () => {
    const first = capture();
    first.console.time("t");
    const second = capture();
    second.console.timeEnd("t");
    assert.equal(second.seen[0]!.messages[0], "Timer 't' does not exist");
  });
});

describe("limits", () => {
  test("255 lines, then one overflow line, then nothing", () => {
    const { collector, console, seen } = capture();
    for (let i = 0; i < 300; i++) console.log(i);
    assert.equal(seen.length, 256);
    assert.equal(seen[254]!.messages[0], "254");
    assert.equal(prettyLogLine(seen[255]!), "[ERROR] Log overflow (maximum 256). Remaining log lines omitted.");
    assert.deepEqual(collector.lines, seen);
  });

  test("a line over 32768 bytes is cut and flagged", () => {
    const { console, seen } = capture();
    // object-inspect caps each string at 32768 characters and the quotes push it over the line
    // limit, so a single long string is cut inside its closing quote.
    console.log("x".repeat(40_000));
    const [line] = seen;
    assert.equal(line!.isTruncated, true);
    assert.equal(line!.messages.length, 1);
    assert.equal(line!.messages[0]!.length, MAX_LOG_LINE_LENGTH);
    assert.ok(prettyLogLine(line!).endsWith("x (truncated due to length)"));
  });

  test("whole messages are kept while they fit, and the byte limit respects characters", () => {
    const { collector, seen } = capture();
    const small = "a".repeat(100);
    collector.log("LOG", [small, "é".repeat(20_000), "tail"]);
    const line = seen[0]!;
    assert.equal(line.isTruncated, true);
    assert.equal(line.messages.length, 2);
    assert.equal(line.messages[0], small);
    // 32768 - 101 bytes remain; "é" is two bytes, so 16333 whole characters fit.
    assert.equal(line.messages[1], "é".repeat(16_333));
  });

  test("lines exactly at the limit are not truncated", () => {
    const { collector, seen } = capture();
    collector.log("LOG", ["a".repeat(16_000), "b".repeat(MAX_LOG_LINE_LENGTH - 16_001)]);
    assert.equal(seen[0]!.isTruncated, false);
  });

  test("system lines are never truncated and count toward the cap", () => {
    const { collector, seen } = capture();
    collector.system("WARN", ["x".repeat(40_000)], "warn:test");
    for (let i = 0; i < 300; i++) collector.log("LOG", [String(i)]);
    assert.equal(seen[0]!.messages[0]!.length, 40_000);
    assert.deepEqual(seen[0]!.systemMetadata, { code: "warn:test" });
    assert.equal(seen.length, 256);
    assert.equal(seen[255]!.level, "ERROR");
  });
});

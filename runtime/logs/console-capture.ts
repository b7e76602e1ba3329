// Captures one function execution's console output as Convex log lines. It runs inside the
// user-code worker: the executor creates a LogCollector per execution and installs the console
// from makeConsole() for the duration of that execution.
//
// Behaviour follows the isolate: npm-packages/udf-runtime/src/02_console.ts for what each console
// method sends, crates/isolate/src/ops/console.rs for time/timeLog/timeEnd/trace, and the
// environments' `trace()` (crates/isolate/src/environment/{udf,action}) for the 256-line cap.
import { inspectArgs } from "./inspect-arg.js";
import { LOG_OVERFLOW_MESSAGE, MAX_LOG_LINES, newDeveloperLogLine, type LogLevel, type LogLine } from "./log-line.js";

export type { LogLevel, LogLine } from "./log-line.js";

/**
 * Exactly the console methods the Convex runtime provides. Others (`table`, `dir`, `assert`, …)
 * are absent there too, so code that would fail in production fails here as well.
 */
export interface CapturedConsole {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  trace(...args: unknown[]): void;
  time(label?: unknown): void;
  timeLog(label?: unknown, ...args: unknown[]): void;
  timeEnd(label?: unknown): void;
}

export interface LogCollectorOptions {
  /** Called with every line as it is produced (after capping and truncation). */
  onLine?: (line: LogLine) => void;
  /** Clock in Unix milliseconds; injectable for tests. */
  now?: () => number;
  /**
   * Stack frames to drop from the start and end of `console.trace` output, like the backend drops
   * its own harness frames. Defaults to frames in the `convex` package, Node internals and this
   * file.
   */
  isInternalFrame?: (frame: string) => boolean;
}

const DEFAULT_INTERNAL_FRAME = /node:internal|[\\/]node_modules[\\/]convex[\\/]|console-capture\.[cm]?[jt]s/;

export class LogCollector {
  readonly lines: LogLine[] = [];
  private linesLogged = 0;
  private readonly timers = new Map<string, number>();
  private readonly onLine: (line: LogLine) => void;
  private readonly now: () => number;
  private readonly isInternalFrame: (frame: string) => boolean;

  constructor(options: LogCollectorOptions = {}) {
    this.onLine = options.onLine ?? (() => {});
    this.now = options.now ?? Date.now;
    this.isInternalFrame = options.isInternalFrame ?? ((frame) => DEFAULT_INTERNAL_FRAME.test(frame));
  }

  /**
   * A developer line. The 256th line of an execution is replaced by the overflow notice and
   * everything after it is dropped; the notice is emitted once.
   */
  log(level: LogLevel, messages: string[]): void {
    if (this.linesLogged < MAX_LOG_LINES - 1) {
      this.emit(newDeveloperLogLine(level, messages, this.now()));
    } else if (this.linesLogged === MAX_LOG_LINES - 1) {
      this.emit(newDeveloperLogLine("ERROR", [LOG_OVERFLOW_MESSAGE], this.now()));
    }
  }

  /** A line from the runtime itself: never truncated or dropped, but it counts toward the cap. */
  system(level: LogLevel, messages: string[], code: string): void {
    this.emit({ messages, level, timestamp: this.now(), isTruncated: false, systemMetadata: { code } });
  }

  makeConsole(): CapturedConsole {
    const message =
      (level: LogLevel) =>
      (...args: unknown[]) =>
        this.log(level, inspectArgs(args));
    const capturedConsole: CapturedConsole = {
      log: message("LOG"),
      info: message("INFO"),
      warn: message("WARN"),
      error: message("ERROR"),
      debug: message("DEBUG"),
      // The stack goes in as one more message: an empty first line, then one "    at …" line per
      // frame, each ending in a newline (the backend's JsError Display with an empty message).
      trace: (...args: unknown[]) => this.log("LOG", [...inspectArgs(args), this.stackText(capturedConsole.trace)]),
      time: (label?: unknown) => {
        const name = timerLabel(label);
        if (this.timers.has(name)) this.log("WARN", [`Timer '${name}' already exists`]);
        else this.timers.set(name, this.now());
      },
      timeLog: (label?: unknown, ...args: unknown[]) => {
        const name = timerLabel(label);
        const start = this.timers.get(name);
        if (start === undefined) this.log("WARN", [`Timer '${name}' does not exist`]);
        else this.log("INFO", [`${name}: ${this.elapsed(start)}ms`, ...inspectArgs(args)]);
      },
      timeEnd: (label?: unknown) => {
        const name = timerLabel(label);
        const start = this.timers.get(name);
        if (start === undefined) {
          this.log("WARN", [`Timer '${name}' does not exist`]);
        } else {
          this.timers.delete(name);
          this.log("INFO", [`${name}: ${this.elapsed(start)}ms`]);
        }
      },
    };
    return capturedConsole;
  }

  private emit(line: LogLine): void {
    this.linesLogged++;
    this.lines.push(line);
    this.onLine(line);
  }

  // The backend subtracts whole-millisecond Unix timestamps.
  private elapsed(start: number): number {
    return Math.floor(this.now()) - Math.floor(start);
  }

  private stackText(below: (...args: never[]) => void): string {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, below);
    const frames = (holder.stack ?? "").split("\n").filter((line) => line.startsWith("    at "));
    while (frames.length > 0 && this.isInternalFrame(frames[0]!)) frames.shift();
    while (frames.length > 0 && this.isInternalFrame(frames[frames.length - 1]!)) frames.pop();
    return `\n${frames.map((frame) => `${frame}\n`).join("")}`;
  }
}

// `console.time()` and friends name the timer "default" when called without a label and use the
// label's toString() otherwise (02_console.ts `toString`).
function timerLabel(label: unknown): string {
  if (label === undefined) return "default";
  if (label === null) return "null";
  return String(label);
}

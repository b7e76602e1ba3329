// Turns whatever user code threw into the backend's "Uncaught …" message, a trace with only the
// user's frames (paths as the backend prints them, `../convex/http.ts:12:3`), and ConvexError data.
import { inspect } from "node:util";
import { relative, sep } from "node:path";
import type { WireError } from "../shared/protocol";
import type { JSONValue } from "../store/types";

const CONVEX_ERROR = Symbol.for("ConvexError");

export function isConvexError(thrown: unknown): thrown is Error & { data: unknown } {
  return typeof thrown === "object" && thrown !== null && CONVEX_ERROR in thrown;
}

/** `name: message` for an Error, the printed value otherwise (a thrown string prints as itself). */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error || (typeof thrown === "object" && thrown !== null && "message" in thrown && "name" in thrown)) {
    const error = thrown as Error;
    return error.message ? `${error.name}: ${error.message}` : error.name;
  }
  if (typeof thrown === "string") return thrown;
  return inspect(thrown, { depth: 4, breakLength: Infinity });
}

/** ConvexError data in wire form. `invokeFunction` has already turned it into a JSON string. */
export function convexErrorData(thrown: unknown): JSONValue | undefined {
  if (!isConvexError(thrown)) return undefined;
  const data = (thrown as { data: unknown }).data;
  if (typeof data === "string") {
    try {
      return JSON.parse(data) as JSONValue;
    } catch {
      return data;
    }
  }
  return data === undefined ? null : (data as JSONValue);
}

export class StackCleaner {
  constructor(
    private readonly projectDir: string,
    private readonly functionsDir: string,
  ) {}

  /** Frames that point into the user's functions folder, rewritten relative to it like the backend. */
  userFrames(stack: string | undefined): string[] {
    if (!stack) return [];
    const frames: string[] = [];
    for (const line of stack.split("\n")) {
      const trimmed = line.trim();
      if (!trimmed.startsWith("at ")) continue;
      const rewritten = this.#rewriteFrame(trimmed);
      if (rewritten !== null) frames.push(`    ${rewritten}`);
    }
    return frames;
  }

  #rewriteFrame(frame: string): string | null {
    const match = /(file:\/\/)?(\/[^():]+):(\d+):(\d+)/.exec(frame);
    if (!match) return null;
    const file = match[2]!;
    if (file.includes(`${sep}node_modules${sep}`)) return null;
    if (!file.startsWith(this.functionsDir + sep)) return null;
    const shown = `../${relative(this.projectDir, file).split(sep).join("/")}`;
    return frame.replace(match[0], `${shown}:${match[3]}:${match[4]}`);
  }
}

/**
 * Never throws, whatever was thrown: a value whose `message` getter throws or a Proxy whose traps
 * throw is reported by what reading it threw, so the caller still gets an "Uncaught …" error and
 * the execution still ends in the logs.
 */
export function uncaughtError(thrown: unknown, cleaner: StackCleaner): WireError {
  try {
    return describeUncaught(thrown, cleaner);
  } catch (whileReading) {
    let reason: string;
    try {
      reason = describeThrown(whileReading);
    } catch {
      reason = "a value that cannot be read";
    }
    const message = `Uncaught ${reason} (thrown while reading the value the function threw)`;
    return { message, stack: message };
  }
}

function describeUncaught(thrown: unknown, cleaner: StackCleaner): WireError {
  const message = `Uncaught ${describeThrown(thrown)}`;
  const frames = cleaner.userFrames(thrown instanceof Error ? thrown.stack : undefined);
  const error: WireError = { message, stack: [message, ...frames].join("\n") };
  const data = convexErrorData(thrown);
  if (data !== undefined) error.data = data;
  return error;
}

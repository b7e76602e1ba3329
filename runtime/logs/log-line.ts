// The shape of one function log line and the backend's rules for building it, from
// crates/common/src/log_lines.rs (`LogLineStructured`, `new_developer_log_line`, `to_pretty_string`).
// Shared by the worker (which produces lines) and the host (which stores and prints them), so it
// imports nothing.

export type LogLevel = "LOG" | "DEBUG" | "INFO" | "WARN" | "ERROR";

export const LOG_LEVELS: readonly LogLevel[] = ["LOG", "DEBUG", "INFO", "WARN", "ERROR"];

export interface LogLine {
  /** One entry per console argument, already formatted (strings quoted: `'hi'`). */
  messages: string[];
  level: LogLevel;
  /** Unix milliseconds. */
  timestamp: number;
  isTruncated: boolean;
  /** Set on lines the runtime itself writes (the backend's `SystemLogMetadata`). */
  systemMetadata?: { code: string };
}

/** `MAX_LOG_LINE_LENGTH`: bytes of a line's messages joined by spaces. */
export const MAX_LOG_LINE_LENGTH = 32768;
/** `MAX_LOG_LINES` per function execution, the overflow notice included. */
export const MAX_LOG_LINES = 256;
export const TRUNCATED_LINE_SUFFIX = " (truncated due to length)";
export const LOG_OVERFLOW_MESSAGE = `Log overflow (maximum ${MAX_LOG_LINES}). Remaining log lines omitted.`;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A console line, cut to MAX_LOG_LINE_LENGTH UTF-8 bytes the way the backend does: whole messages
 * while they fit, then the part of the next one that fits (on a character boundary), then nothing.
 */
export function newDeveloperLogLine(level: LogLevel, messages: string[], timestamp: number): LogLine {
  const sizes = messages.map((m) => encoder.encode(m).length);
  const total = sizes.reduce((sum, size) => sum + size + 1, 0) - (messages.length > 0 ? 1 : 0);
  if (total <= MAX_LOG_LINE_LENGTH) return { messages, level, timestamp, isTruncated: false };
  const kept: string[] = [];
  let used = 0;
  for (let i = 0; i < messages.length; i++) {
    // The backend's arithmetic can step past the limit by the joining space; clamp instead of
    // following it into an unsigned underflow.
    const remaining = Math.max(0, MAX_LOG_LINE_LENGTH - used);
    if (sizes[i]! <= remaining) {
      used += sizes[i]! + 1;
      kept.push(messages[i]!);
    } else {
      kept.push(truncateUtf8(messages[i]!, remaining));
      break;
    }
  }
  return { messages: kept, level, timestamp, isTruncated: true };
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = encoder.encode(text);
  let end = maxBytes;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return decoder.decode(bytes.subarray(0, end));
}

/** `[LEVEL] messages...` plus the truncation suffix: the backend's plain-text form of a line. */
export function prettyLogLine(line: LogLine): string {
  const text = `[${line.level}] ${line.messages.join(" ")}`;
  return line.isTruncated ? `${text}${TRUNCATED_LINE_SUFFIX}` : text;
}

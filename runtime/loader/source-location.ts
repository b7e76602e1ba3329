// Points a message at a line of a source file. Some of our checks only know which file and which
// text (a metafile has no positions, a component name comes back from evaluated code), so the
// first line quoting that text is where the message goes.
import fs from "node:fs";
import type { BuildMessage } from "./build-message.js";

/** A message at the first line of `file` containing one of `needles`, or at 1:1 when none does. */
export function messageAtText(file: string, needles: string[], text: string): BuildMessage {
  const lines = readLines(file);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const at = needles.map((needle) => line.indexOf(needle)).find((index) => index !== -1);
    if (at !== undefined) return { file, line: i + 1, column: at + 1, text, lineText: line };
  }
  return { file, line: 1, column: 1, text };
}

/** A message at a known 1-based line and column, with that line's text when the file is readable. */
export function messageAt(file: string, line: number, column: number, text: string): BuildMessage {
  const lineText = readLines(file)[line - 1];
  return { file, line, column, text, ...(lineText !== undefined ? { lineText } : {}) };
}

function readLines(file: string): string[] {
  try {
    return fs.readFileSync(file, "utf8").split("\n");
  } catch {
    // Unreadable now (deleted since the build): the caller still gets the file.
    return [];
  }
}

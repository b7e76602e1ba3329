// Finds the user's stack frames in error and log text. The runtime prints them as the Convex
// backend does, relative to the functions folder's parent: `at handler (../convex/http.ts:12:3)`.
// Pure: no DOM.

export type TextSegment =
  | { kind: "text"; text: string }
  | { kind: "frame"; text: string; file: string; line: number; column: number | null };

/** `../<project-relative path with an extension>:<line>[:<column>]`, after a space, `(` or line start. */
const FRAME = /(?<=^|[\s(])\.\.\/([^\s():]+\.[A-Za-z0-9]+):(\d+)(?::(\d+))?/gm;

export function splitFrames(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(FRAME)) {
    const file = match[1]!;
    const line = Number(match[2]);
    // A path that climbs out of the project is not something the panel should ask to open.
    if (file.split("/").includes("..") || !Number.isSafeInteger(line) || line < 1) continue;
    const start = match.index!;
    if (start > last) segments.push({ kind: "text", text: text.slice(last, start) });
    segments.push({ kind: "frame", text: match[0], file, line, column: match[3] === undefined ? null : Number(match[3]) });
    last = start + match[0].length;
  }
  if (last < text.length) segments.push({ kind: "text", text: text.slice(last) });
  return segments;
}

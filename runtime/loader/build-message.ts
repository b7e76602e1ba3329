// One shape for every problem the loader reports, whether esbuild found it or we did, so callers
// (the CLI printer, the extension's diagnostics) handle a single type.
import type { Message as EsbuildMessage } from "esbuild";
import path from "node:path";

export interface BuildMessage {
  /** Absolute path of the file the message is about (or a virtual id for synthesized modules). */
  file: string;
  /** 1-based. Messages about a whole file point at 1:1 so "file:line:col" is always valid. */
  line: number;
  /** 1-based, counted in UTF-16 code units like editors and `Error.stack` do. */
  column: number;
  text: string;
  /** The source line the message points into, when known. */
  lineText?: string;
  /** Extra hints esbuild attaches ("Are you trying to bundle for node?" and the like). */
  notes?: string[];
}

/** A message about a whole file, for rules we enforce ourselves (`_deps`, convex.json, …). */
export function fileMessage(file: string, text: string): BuildMessage {
  return { file, line: 1, column: 1, text };
}

/**
 * esbuild reports paths relative to `absWorkingDir` and columns as 0-based UTF-8 byte offsets;
 * editors want absolute paths and character columns, so both are converted here.
 */
export function fromEsbuildMessage(message: EsbuildMessage, workingDir: string): BuildMessage {
  const notes = message.notes.map((note) => note.text).filter((text) => text.length > 0);
  const location = message.location;
  if (location === null) {
    return { file: workingDir, line: 1, column: 1, text: message.text, ...(notes.length ? { notes } : {}) };
  }
  // Files in plugin namespaces ("ns:path") are not on disk; keep their id as esbuild gave it.
  const onDisk = location.namespace === "" || location.namespace === "file";
  const file = onDisk ? path.resolve(workingDir, location.file) : `${location.namespace}:${location.file}`;
  const charColumn = Buffer.from(location.lineText, "utf8").subarray(0, location.column).toString("utf8").length;
  return {
    file,
    line: Math.max(1, location.line),
    column: charColumn + 1,
    text: message.text,
    lineText: location.lineText,
    ...(notes.length ? { notes } : {}),
  };
}

/** Where a message points, as people read it: `convex/http.ts:3:5`, relative to the project. */
export function whereInProject(message: BuildMessage, projectDir: string): string {
  const file = path.relative(projectDir, message.file) || message.file;
  return message.line > 0 ? `${file}:${message.line}:${message.column}` : file;
}

// Where a module's load failed: the first stack frame inside the functions folder, so the
// Problems view and the CLI can point at the line (source maps already map it to the .ts file).
import type { BuildMessage } from "../loader/index";

const FRAME = /(?:file:\/\/)?(\/[^\s():]+):(\d+):(\d+)/g;

export function loadErrorMessage(functionsDir: string, fallbackFile: string, text: string): BuildMessage {
  for (const match of text.matchAll(FRAME)) {
    const file = match[1]!;
    if (file.startsWith(functionsDir) && !file.includes("/node_modules/")) {
      return { file, line: Number(match[2]), column: Number(match[3]), text };
    }
  }
  return { file: fallbackFile, line: 1, column: 1, text };
}

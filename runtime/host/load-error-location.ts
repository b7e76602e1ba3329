// Where a module's load failed: the first stack frame inside the functions folder, so the
// Problems view and the CLI can point at the line (source maps already map it to the .ts file).
// Frames come absolute (`/…/convex/http.ts:3:5`) or, once the worker has cleaned a stack the way
// the backend prints it, relative to the project with a leading `../` (`../convex/schema.ts:4:7`).
import { isAbsolute, resolve, sep } from "node:path";
import type { BuildMessage } from "../loader/index";

const FRAME = /(?:file:\/\/)?((?:\/|\.\.\/)[^\s():]+):(\d+):(\d+)/g;

export function loadErrorMessage(functionsDir: string, fallbackFile: string, text: string, projectDir?: string): BuildMessage {
  for (const match of text.matchAll(FRAME)) {
    const shown = match[1]!;
    let file: string;
    if (isAbsolute(shown)) file = shown;
    else if (projectDir !== undefined) file = resolve(projectDir, shown.slice("../".length));
    else continue;
    if (file.startsWith(functionsDir + sep) && !file.includes("/node_modules/")) {
      return { file, line: Number(match[2]), column: Number(match[3]), text };
    }
  }
  return { file: fallbackFile, line: 1, column: 1, text };
}

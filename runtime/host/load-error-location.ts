// Where a module's load failed: the first stack frame inside the functions folder, so the
// Problems view and the CLI can point at the line (source maps already map it to the .ts file).
// Frames come absolute (`/…/convex/http.ts:3:5`) or, once the worker has cleaned a stack the way
// the backend prints it, relative to the project with a leading `../` (`../convex/schema.ts:4:7`).
import { isAbsolute, resolve, sep } from "node:path";
import type { BuildMessage } from "../loader/index";

const FRAME = /(?:file:\/\/)?((?:\/|\.\.\/)[^\s():]+):(\d+):(\d+)/g;

export function loadErrorMessage(functionsDir: string, fallbackFile: string, rawText: string, projectDir?: string): BuildMessage {
  const text = withHint(rawText);
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

/** What to do about the load errors that have one obvious fix. */
function withHint(text: string): string {
  const missing = /Cannot find package '([^']+)' imported from/.exec(text);
  if (missing) {
    const hint = `The package ${missing[1]} is imported but not installed: run \`npm install ${missing[1]}\` in the project.`;
    const end = text.indexOf("\n");
    return end < 0 ? `${text}\n${hint}` : `${text.slice(0, end)}\n${hint}${text.slice(end)}`;
  }
  return text;
}

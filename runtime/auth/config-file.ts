// Where the project's auth config lives, to name it in messages ("convex/auth.config.ts") and to
// tell "no auth config" (no providers) from "an auth config without a default export" (an error).
import { existsSync } from "node:fs";
import path from "node:path";
import { findFunctionsDir } from "../loader/index";

export interface AuthConfigFile {
  /** Relative to the project, forward slashes. */
  label: string;
  exists: boolean;
}

export function locateAuthConfig(projectDir: string): AuthConfigFile {
  const found = findFunctionsDir(projectDir);
  const functionsDir = found.ok ? found.functionsDir : path.join(projectDir, "convex");
  for (const name of ["auth.config.ts", "auth.config.js"]) {
    const file = path.join(functionsDir, name);
    if (existsSync(file)) return { label: relativeLabel(projectDir, file), exists: true };
  }
  return { label: relativeLabel(projectDir, path.join(functionsDir, "auth.config.ts")), exists: false };
}

function relativeLabel(projectDir: string, file: string): string {
  return path.relative(projectDir, file).split(path.sep).join("/");
}

// The project's own files an esbuild build read, for the watcher: reloads follow edits to them.
import path from "node:path";
import type { Metafile } from "esbuild";

/**
 * Metafile keys are paths relative to the working dir, or "namespace:…" for virtual modules.
 * Installed packages are left out: the list is for watching the user's own sources.
 */
export function sourceInputs(metafile: Metafile, workingDir: string): string[] {
  return Object.keys(metafile.inputs)
    .filter((key) => !/^[a-z][a-z0-9-]+:/i.test(key))
    .map((key) => path.resolve(workingDir, key))
    .filter((file) => !file.split(path.sep).includes("node_modules"))
    .sort();
}

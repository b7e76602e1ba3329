// Tells the caller when the project's functions changed, so it can rebuild. One "save all" or a
// codegen run touches many files within milliseconds; they are reported as one batch.
import fs from "node:fs";
import path from "node:path";
import { findFunctionsDir } from "./functions-dir.js";

export interface WatchOptions {
  /** Quiet time after the last event before onChange fires; default 20 ms (a "save all" takes a few). */
  debounceMs?: number;
  /** Watcher failures (the folder was deleted, too many watches). Without it they are ignored. */
  onError?: (err: Error) => void;
  /**
   * When the build now serving read the files (ms since the epoch). Files modified after it are
   * reported as changes, so a save made while that build ran, or before the watch was fully set
   * up, still reloads.
   */
  changedSince?: number;
}

/** After this, the emulated recursive watcher (Linux, Node 20) has set itself up on a small folder. */
const WATCH_SETTLE_MS = 250;

export interface ProjectWatcher {
  close(): void;
}

/**
 * Watches the functions folder recursively (including `_generated/`, since codegen output changes
 * what the build produces) and convex.json (it can move the functions folder).
 * Throws if the functions folder cannot be found.
 */
export function watchProject(
  projectDir: string,
  onChange: (changedFiles: string[]) => void,
  { debounceMs = 20, onError, changedSince }: WatchOptions = {},
): ProjectWatcher {
  const dirs = findFunctionsDir(projectDir);
  if (!dirs.ok) throw new Error(dirs.error.text);

  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  /** Files modified before this have been built (or are about to be, by the reload just fired). */
  let builtUpTo = changedSince ?? Number.POSITIVE_INFINITY;

  const flush = () => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    builtUpTo = Math.max(builtUpTo, Date.now());
    const files = [...pending].sort();
    pending.clear();
    onChange(files);
  };
  const record = (file: string) => {
    if (closed) return;
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };
  const reportError = (err: Error) => {
    if (!closed) onError?.(err);
  };

  // Node 20 supports recursive watching on Linux (emulated), macOS and Windows.
  const functionsWatcher = fs.watch(dirs.functionsDir, { recursive: true }, (_event, name) => {
    if (name === null) return record(dirs.functionsDir);
    const relative = name.toString();
    if (isIgnored(relative)) return;
    record(path.join(dirs.functionsDir, relative));
  });
  functionsWatcher.on("error", reportError);

  // Editors save by rename, which ends a watch on the file itself; watching the folder survives it.
  const rootWatcher = fs.watch(dirs.projectDir, (_event, name) => {
    if (name?.toString() === "convex.json") record(path.join(dirs.projectDir, "convex.json"));
  });
  rootWatcher.on("error", reportError);

  // Saves the watchers could not see: before they existed, or before the recursive one was ready.
  const catchUp = () => {
    if (closed || builtUpTo === Number.POSITIVE_INFINITY) return;
    try {
      for (const file of filesModifiedAfter(dirs.functionsDir, builtUpTo)) record(file);
      const config = path.join(dirs.projectDir, "convex.json");
      if (modifiedAfter(config, builtUpTo)) record(config);
    } catch (error) {
      reportError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  catchUp();
  const settleTimer = setTimeout(catchUp, WATCH_SETTLE_MS);
  settleTimer.unref();

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(settleTimer);
      functionsWatcher.close();
      rootWatcher.close();
    },
  };
}

function modifiedAfter(file: string, since: number): boolean {
  try {
    return fs.statSync(file).mtimeMs > since;
  } catch {
    return false; // gone, or never there
  }
}

/** Files under `dir` (what the watcher would report) modified after `since`. */
function filesModifiedAfter(dir: string, since: number): string[] {
  const found: string[] = [];
  const walk = (folder: string, relative: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return; // removed while we looked
    }
    for (const entry of entries) {
      const rel = relative ? path.join(relative, entry.name) : entry.name;
      if (isIgnored(rel)) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full, rel);
      else if (modifiedAfter(full, since)) found.push(full);
    }
  };
  walk(dir, "");
  return found;
}

/** Paths (relative to the functions folder) whose changes never affect a build. */
export function isIgnored(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/);
  if (parts.includes("node_modules")) return true;
  return isEditorTempFile(parts.at(-1) ?? "");
}

/** Swap, backup and lock files that editors write next to the file being edited. */
export function isEditorTempFile(name: string): boolean {
  return (
    name.endsWith("~") || // vim/emacs backups
    /\.sw[a-p]$/.test(name) || // vim swap files: .swp, .swo, … (and .swx below)
    name.endsWith(".swx") ||
    name === "4913" || // vim's "can I write here" probe
    name.startsWith(".#") || // emacs lock files
    (name.startsWith("#") && name.endsWith("#")) || // emacs auto-save
    name.includes("___jb_tmp___") || // JetBrains safe write
    name.includes("___jb_old___") ||
    name === ".DS_Store"
  );
}

// Output folders for builds. Node's ESM cache can never forget a module, so each build goes to a
// fresh folder: a worker that imported build N keeps a consistent set of files even while build
// N+1 is written next to it. Old folders are deleted once no worker can still be using them.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { isProcessAlive } from "../shared/process-alive.js";

/** Where builds go by default, inside the project so bare imports resolve to its node_modules. */
export const BUILD_ROOT = path.join(".convex-lens", "build");

// Written into every build folder: makes Node load the `.js` files as ESM whatever the project's
// own package.json says, and marks the folder as ours so it is safe to delete.
const MARKER_FIELD = "convexLensBuild";
const PID_FIELD = "convexLensPid";

export function newBuildDir(projectDir: string): { buildId: string; outDir: string } {
  const stateDir = path.join(path.resolve(projectDir), ".convex-lens");
  fs.mkdirSync(stateDir, { recursive: true });
  // Keep build output out of the user's git status without asking them to edit .gitignore.
  const gitignore = path.join(stateDir, ".gitignore");
  if (!fs.existsSync(gitignore)) fs.writeFileSync(gitignore, "*\n");
  // Time first so folders sort by age; the random tail keeps two builds in one millisecond apart.
  const buildId = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  return { buildId, outDir: path.join(path.resolve(projectDir), BUILD_ROOT, buildId) };
}

/**
 * Checks that `outDir` can take a build and leaves it holding only our package.json. Returns an
 * error text, or null. A non-empty folder is only cleared if an earlier build of ours wrote it.
 */
export function prepareOutDir(projectDir: string, functionsDir: string, outDir: string, buildId: string): string | null {
  const inside = path.relative(path.resolve(projectDir), outDir);
  if (inside === "" || inside.startsWith("..") || path.isAbsolute(inside)) {
    return `The build folder must be inside the project (${projectDir}) so that imports like "convex/server" resolve to the project's node_modules; got ${outDir}.`;
  }
  const relToFunctions = path.relative(functionsDir, outDir);
  if (relToFunctions === "" || !relToFunctions.startsWith("..")) {
    return `The build folder ${outDir} must not be inside the functions folder ${functionsDir}.`;
  }
  if (!path.relative(outDir, functionsDir).startsWith("..")) {
    return `The build folder ${outDir} must not contain the functions folder ${functionsDir}.`;
  }
  const existing = fs.existsSync(outDir) ? fs.readdirSync(outDir).length : 0;
  if (existing > 0) {
    if (!isOurBuild(outDir)) return `The build folder ${outDir} is not empty and was not written by Convex Lens; choose an empty folder.`;
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  fs.mkdirSync(outDir, { recursive: true });
  // Marked before esbuild writes anything, so even a build that dies halfway can be pruned later.
  writeBuildMarker(outDir, buildId);
  return null;
}

function writeBuildMarker(outDir: string, buildId: string): void {
  // The builder's pid: a folder whose process is gone (killed before it could clean up) is garbage.
  const pkg = { type: "module", private: true, [MARKER_FIELD]: buildId, [PID_FIELD]: process.pid };
  fs.writeFileSync(path.join(outDir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
}

/**
 * Deletes build folders under `buildRoot` except those in `keep` (pass the current build and the
 * previous one, which a worker may still be running). Only folders we wrote are touched.
 * Returns the folders removed.
 */
export function pruneBuilds(buildRoot: string, keep: string[]): string[] {
  const kept = new Set(keep.map((dir) => path.resolve(dir)));
  return removeOurBuilds(buildRoot, (dir) => !kept.has(dir));
}

/**
 * Deletes the build folders of processes that are gone: a runtime killed with kill -9 never
 * prunes its own. Builds of live processes (another runtime serving the same project) are kept,
 * and so are folders that do not say who built them.
 */
export function pruneAbandonedBuilds(projectDir: string): string[] {
  const buildRoot = path.join(path.resolve(projectDir), BUILD_ROOT);
  return removeOurBuilds(buildRoot, (dir) => {
    const pid = builderPid(dir);
    return pid !== null && pid !== process.pid && !isProcessAlive(pid);
  });
}

/** Deletes the build folders under `buildRoot` that we wrote and `shouldRemove` picks; returns them. */
function removeOurBuilds(buildRoot: string, shouldRemove: (dir: string) => boolean): string[] {
  const removed: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(buildRoot, { withFileTypes: true });
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const dir = path.resolve(buildRoot, entry.name);
    if (!entry.isDirectory() || !isOurBuild(dir) || !shouldRemove(dir)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

function builderPid(dir: string): number | null {
  try {
    const pid = (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>)[PID_FIELD];
    return typeof pid === "number" && Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function isOurBuild(dir: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
    return typeof pkg[MARKER_FIELD] === "string";
  } catch {
    return false;
  }
}

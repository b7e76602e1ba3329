// Loads esbuild. We prefer the workspace's copy (every Convex app has one, as a dependency of
// `convex`) because it is the one `npx convex dev` bundles with; ours is the fallback.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ownRequire } from "./own-require.js";

export type Esbuild = typeof import("esbuild");

export interface LoadedEsbuild {
  esbuild: Esbuild;
  /** "custom": the caller's esbuildPath; "workspace": the project's; "bundled": the extension's. */
  source: "custom" | "workspace" | "bundled";
  version: string;
}

// Older versions lack options we rely on (`packages: "external"` with tsconfig paths taking
// precedence); for those we use our own copy rather than build differently.
const MIN_VERSION = [0, 19, 0];

export function loadEsbuild(opts: { projectDir: string; convexDir: string | null; esbuildPath?: string }): LoadedEsbuild {
  if (opts.esbuildPath !== undefined) {
    const esbuild = ownRequire(path.resolve(opts.esbuildPath)) as Esbuild;
    return { esbuild, source: "custom", version: esbuild.version };
  }
  // esbuild may be hoisted next to the project or sit beside convex's real folder (nested
  // under it with npm, next to it in pnpm's store, hence the realpath).
  const anchors = [path.join(opts.projectDir, "package.json")];
  if (opts.convexDir !== null) anchors.push(path.join(fs.realpathSync(opts.convexDir), "package.json"));
  for (const anchor of anchors) {
    const esbuild = tryLoad(createRequire(anchor));
    if (esbuild !== null && isRecentEnough(esbuild.version)) {
      return { esbuild, source: "workspace", version: esbuild.version };
    }
  }
  let esbuild: Esbuild;
  try {
    esbuild = ownRequire("esbuild") as Esbuild;
  } catch {
    // The VS Code extension does not ship esbuild: it builds with the project's own.
    throw new Error(
      `No esbuild found for ${opts.projectDir}. Convex apps get it with their \`convex\` dependency: run \`npm install\` in the project, then save a file to rebuild.`,
    );
  }
  return { esbuild, source: "bundled", version: esbuild.version };
}

function tryLoad(req: NodeJS.Require): Esbuild | null {
  try {
    const esbuild = req(req.resolve("esbuild")) as Partial<Esbuild>;
    return typeof esbuild.build === "function" && typeof esbuild.version === "string" ? (esbuild as Esbuild) : null;
  } catch {
    // Missing, or a platform binary that does not match this machine: fall back to ours.
    return null;
  }
}

function isRecentEnough(version: string): boolean {
  const parts = version.split(".").map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < MIN_VERSION.length; i++) {
    const have = parts[i] ?? 0;
    const need = MIN_VERSION[i] ?? 0;
    if (have !== need) return have > need;
  }
  return true;
}

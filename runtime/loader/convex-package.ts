// Finds the `convex` npm package the built modules will use. Built code imports `convex/*` as a
// bare specifier, and Node resolves it at run time by walking up node_modules folders from the
// output folder; we walk the same way from the project so the build and the run agree.
import fs from "node:fs";
import path from "node:path";
import { ownRequire } from "./own-require.js";

export interface ConvexPackage {
  /** "workspace": the project's own install, kept external. "bundled": ours, bundled in. */
  source: "workspace" | "bundled";
  /** The package folder (the one holding its package.json). */
  dir: string;
  version: string;
}

export function findWorkspaceConvex(projectDir: string): ConvexPackage | null {
  let dir = path.resolve(projectDir);
  for (;;) {
    const candidate = path.join(dir, "node_modules", "convex");
    const version = readVersion(candidate);
    if (version !== null) return { source: "workspace", dir: candidate, version };
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The extension's own `convex`, used when the project has none installed. */
export function findOwnConvex(): ConvexPackage | null {
  try {
    const dir = path.dirname(ownRequire.resolve("convex/package.json"));
    const version = readVersion(dir);
    return version === null ? null : { source: "bundled", dir, version };
  } catch {
    return null;
  }
}

function readVersion(packageDir: string): string | null {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : null;
  } catch {
    return null;
  }
}

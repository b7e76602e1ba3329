// Builds a project's Convex functions into a fresh folder of ESM files that a worker can import.
// The steps mirror `npx convex dev`: find the functions folder, pick entry points, bundle.
import fs from "node:fs";
import path from "node:path";
import { buildApp } from "./app-bundle.js";
import { fileMessage, type BuildMessage } from "./build-message.js";
import { prepareOutDir } from "./build-dirs.js";
import type { BuildFailure, BuildResult } from "./build-result.js";
import { findOwnConvex, findWorkspaceConvex } from "./convex-package.js";
import { selectEntryPoints } from "./entry-points.js";
import { loadEsbuild, type LoadedEsbuild } from "./esbuild-loader.js";
import { errorText } from "./esbuild-run.js";
import { findFunctionsDir } from "./functions-dir.js";

export type { BuildFailure, BuildResult, BuildSuccess, BuiltModule } from "./build-result.js";
export type { BuildMessage } from "./build-message.js";

export interface BuildOptions {
  projectDir: string;
  /**
   * A new folder inside the project for this build, e.g. from `newBuildDir()`:
   * `<project>/.convex-lens/build/<buildId>/`. Its name becomes the build id.
   */
  outDir: string;
  /** An esbuild package (folder or entry file) to use instead of the workspace's or ours. */
  esbuildPath?: string;
}

export async function buildProject(opts: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const fail = (errors: BuildMessage[], warnings: BuildMessage[] = []): BuildFailure => ({
    ok: false,
    errors,
    warnings,
    durationMs: elapsed(),
  });

  const projectDir = path.resolve(opts.projectDir);
  const outDir = path.resolve(opts.outDir);
  const buildId = path.basename(outDir);

  const dirs = findFunctionsDir(projectDir);
  if (!dirs.ok) return fail([dirs.error]);
  const { functionsDir } = dirs;

  const selection = selectEntryPoints(functionsDir);
  if (!selection.ok) return fail(selection.errors);

  const convex = findWorkspaceConvex(projectDir) ?? findOwnConvex();
  if (convex === null) {
    return fail([fileMessage(path.join(projectDir, "package.json"), "The `convex` package is not installed. Run `npm install convex` in your project.")]);
  }

  let loaded: LoadedEsbuild;
  try {
    loaded = loadEsbuild({ projectDir, convexDir: convex.source === "workspace" ? convex.dir : null, ...(opts.esbuildPath ? { esbuildPath: opts.esbuildPath } : {}) });
  } catch (err) {
    return fail([fileMessage(opts.esbuildPath ?? projectDir, `Could not load esbuild: ${errorText(err)}`)]);
  }

  const outDirProblem = prepareOutDir(projectDir, functionsDir, outDir, buildId);
  if (outDirProblem !== null) return fail([fileMessage(outDir, outDirProblem)], selection.warnings);

  const bundleConvexFrom = convex.source === "bundled" ? path.dirname(convex.dir) : null;
  const app = await buildApp({ esbuild: loaded.esbuild, projectDir, functionsDir, outDir, selection, bundleConvexFrom });
  if (!app.ok) {
    // A failed build leaves nothing a worker could use; don't let half-written folders pile up.
    fs.rmSync(outDir, { recursive: true, force: true });
    return fail(app.errors, app.warnings);
  }

  return {
    ok: true,
    buildId,
    outDir,
    functionsDir,
    modules: app.modules,
    schemaFile: app.schemaFile,
    authConfigFile: app.authConfigFile,
    httpModule: app.httpModule,
    durationMs: elapsed(),
    warnings: app.warnings,
    convexSource: convex.source,
    convexVersion: convex.version,
    esbuildSource: loaded.source,
    esbuildVersion: loaded.version,
    inputs: app.inputs,
  };
}


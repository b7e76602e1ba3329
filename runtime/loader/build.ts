// Builds a project's Convex functions into a fresh folder of ESM files that a worker can import.
// The steps mirror `npx convex dev`: find the functions folder, pick entry points, bundle.
import fs from "node:fs";
import path from "node:path";
import type { BuildFailure as EsbuildFailure, Metafile } from "esbuild";
import { fileMessage, fromEsbuildMessage, type BuildMessage } from "./build-message.js";
import { prepareOutDir } from "./build-dirs.js";
import type { BuildFailure, BuildResult, BuiltModule } from "./build-result.js";
import { findOwnConvex, findWorkspaceConvex } from "./convex-package.js";
import { outputPathOf, selectEntryPoints } from "./entry-points.js";
import { loadEsbuild, type LoadedEsbuild } from "./esbuild-loader.js";
import { esbuildOptions } from "./esbuild-options.js";
import { findFunctionsDir } from "./functions-dir.js";
import { findNodeApiImports } from "./node-api-check.js";

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

  const outName = (file: string) => stripJs(outputPathOf(toPosix(path.relative(functionsDir, file))));
  const entryPoints = [...selection.modules.map((m) => m.file), selection.schemaFile, selection.authConfigFile]
    .filter((file): file is string => file !== null)
    .map((file) => ({ in: file, out: outName(file) }));

  let metafile: Metafile;
  let esbuildWarnings: BuildMessage[];
  try {
    const result = await loaded.esbuild.build(
      esbuildOptions({
        projectDir,
        functionsDir,
        outDir,
        entryPoints,
        bundleConvexFrom: convex.source === "bundled" ? path.dirname(convex.dir) : null,
      }),
    );
    metafile = result.metafile;
    esbuildWarnings = result.warnings.map((w) => fromEsbuildMessage(w, projectDir));
  } catch (err) {
    // A failed build leaves nothing a worker could use; don't let half-written folders pile up.
    fs.rmSync(outDir, { recursive: true, force: true });
    if (!isEsbuildFailure(err)) return fail([fileMessage(projectDir, `esbuild crashed: ${errorText(err)}`)], selection.warnings);
    const toMessage = (m: EsbuildFailure["errors"][number]) => fromEsbuildMessage(m, projectDir);
    return fail(err.errors.map(toMessage), [...selection.warnings, ...err.warnings.map(toMessage)]);
  }

  const builtFile = (file: string | null) => (file === null ? null : path.join(outDir, `${outName(file)}.js`));
  const modules: BuiltModule[] = selection.modules.map((m) => ({
    path: m.path,
    outFile: builtFile(m.file) as string,
    environment: m.environment,
  }));
  const isolateRoots = [
    ...selection.modules.filter((m) => m.environment === "isolate").map((m) => m.file),
    ...[selection.schemaFile, selection.authConfigFile].filter((f): f is string => f !== null),
  ];

  return {
    ok: true,
    buildId,
    outDir,
    functionsDir,
    modules,
    schemaFile: builtFile(selection.schemaFile),
    authConfigFile: builtFile(selection.authConfigFile),
    httpModule: modules.find((m) => /^http\.[^./]+$/.test(m.path))?.path ?? null,
    durationMs: elapsed(),
    warnings: [...selection.warnings, ...esbuildWarnings, ...findNodeApiImports(metafile, projectDir, isolateRoots)],
    convexSource: convex.source,
    convexVersion: convex.version,
    esbuildSource: loaded.source,
    esbuildVersion: loaded.version,
    inputs: sourceInputs(metafile, projectDir),
  };
}

// Metafile keys are paths relative to the working dir, or "namespace:…" for virtual modules.
// Installed packages are left out: the list is for watching the user's own sources.
function sourceInputs(metafile: Metafile, workingDir: string): string[] {
  return Object.keys(metafile.inputs)
    .filter((key) => !/^[a-z][a-z0-9-]+:/i.test(key))
    .map((key) => path.resolve(workingDir, key))
    .filter((file) => !file.split(path.sep).includes("node_modules"))
    .sort();
}

function isEsbuildFailure(err: unknown): err is EsbuildFailure {
  return typeof err === "object" && err !== null && Array.isArray((err as EsbuildFailure).errors) && Array.isArray((err as EsbuildFailure).warnings);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

function stripJs(p: string): string {
  return p.slice(0, -".js".length);
}

// Builds a project's Convex functions into a fresh folder of ESM files that a worker can import.
// The steps mirror `npx convex dev`: find the functions folder, pick entry points, bundle; with a
// convex.config, evaluate the component tree and bundle every component definition too.
import fs from "node:fs";
import path from "node:path";
import { buildApp } from "./app-bundle.js";
import { fileMessage, type BuildMessage } from "./build-message.js";
import { prepareOutDir } from "./build-dirs.js";
import type { BuildFailure, BuildResult } from "./build-result.js";
import { evaluateComponentTree } from "./component-config.js";
import { buildInstances } from "./component-instances.js";
import { findOwnConvex, findWorkspaceConvex } from "./convex-package.js";
import { selectEntryPoints } from "./entry-points.js";
import { loadEsbuild, type LoadedEsbuild } from "./esbuild-loader.js";
import { errorText } from "./esbuild-run.js";
import { findFunctionsDir } from "./functions-dir.js";

export type { BuildFailure, BuildResult, BuildSuccess, BuiltModule, ComponentInstanceBuild } from "./build-result.js";
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
  /**
   * The deployment's environment variables: `process.env` of the app's convex.config.ts while it
   * is evaluated (component configs get none, as on Convex).
   */
  env?: Record<string, string>;
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
    return fail([
      fileMessage(
        path.join(projectDir, "package.json"),
        "The `convex` package is not installed. Run `npm install convex` in your project.",
      ),
    ]);
  }

  let loaded: LoadedEsbuild;
  try {
    loaded = loadEsbuild({
      projectDir,
      convexDir: convex.source === "workspace" ? convex.dir : null,
      ...(opts.esbuildPath ? { esbuildPath: opts.esbuildPath } : {}),
    });
  } catch (err) {
    return fail([fileMessage(opts.esbuildPath ?? projectDir, `Could not load esbuild: ${errorText(err)}`)]);
  }

  const outDirProblem = prepareOutDir(projectDir, functionsDir, outDir, buildId);
  if (outDirProblem !== null) return fail([fileMessage(outDir, outDirProblem)], selection.warnings);

  const bundleConvexFrom = convex.source === "bundled" ? path.dirname(convex.dir) : null;
  // Independent until the components are built: esbuild bundles the app while a worker thread
  // evaluates the convex.config files.
  const [app, tree] = await Promise.all([
    buildApp({ esbuild: loaded.esbuild, projectDir, functionsDir, outDir, selection, bundleConvexFrom }),
    evaluateComponentTree({ esbuild: loaded.esbuild, projectDir, functionsDir, env: opts.env ?? {}, bundleConvexFrom }),
  ]);
  const failed = (errors: BuildMessage[], warnings: BuildMessage[]) => {
    // A failed build leaves nothing a worker could use; don't let half-written folders pile up.
    fs.rmSync(outDir, { recursive: true, force: true });
    return fail(errors, warnings);
  };
  if (!app.ok || !tree.ok) return failed([...(app.ok ? [] : app.errors), ...(tree.ok ? [] : tree.errors)], app.warnings);

  const instances = await buildInstances({
    esbuild: loaded.esbuild,
    projectDir,
    buildDir: outDir,
    bundleConvexFrom,
    tree: tree.tree,
    app: { definitionDir: functionsDir, modules: app.modules, schemaFile: app.schemaFile, httpModule: app.httpModule },
  });
  if (!instances.ok) return failed(instances.errors, [...app.warnings, ...instances.warnings]);

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
    warnings: [...app.warnings, ...instances.warnings],
    convexSource: convex.source,
    convexVersion: convex.version,
    esbuildSource: loaded.source,
    esbuildVersion: loaded.version,
    components: instances.components,
    inputs: [...new Set([...app.inputs, ...(tree.tree?.inputs ?? []), ...instances.inputs])].sort(),
  };
}

// Bundles the app's own modules (the functions folder, without its component folders) into the
// build folder: one esbuild run, code split, packages left to Node.
import path from "node:path";
import type { BuildMessage } from "./build-message.js";
import type { BuiltModule } from "./build-result.js";
import { httpModuleOf, outputPathOf, type EntryPointSelection } from "./entry-points.js";
import type { Esbuild } from "./esbuild-loader.js";
import { esbuildOptions } from "./esbuild-options.js";
import { runEsbuild } from "./esbuild-run.js";
import { findNodeApiImports } from "./node-api-check.js";
import { sourceInputs } from "./source-inputs.js";

export interface AppBundleOptions {
  esbuild: Esbuild;
  projectDir: string;
  functionsDir: string;
  outDir: string;
  selection: EntryPointSelection;
  /** The node_modules folder holding our own `convex`, when the project has none. */
  bundleConvexFrom: string | null;
}

export type AppBundleResult =
  | {
      ok: true;
      modules: BuiltModule[];
      schemaFile: string | null;
      authConfigFile: string | null;
      httpModule: string | null;
      inputs: string[];
      warnings: BuildMessage[];
    }
  | { ok: false; errors: BuildMessage[]; warnings: BuildMessage[] };

export async function buildApp({
  esbuild,
  projectDir,
  functionsDir,
  outDir,
  selection,
  bundleConvexFrom,
}: AppBundleOptions): Promise<AppBundleResult> {
  const outName = (file: string) => outputPathOf(path.relative(functionsDir, file).split(path.sep).join("/")).slice(0, -".js".length);
  const entryPoints = [...selection.modules.map((m) => m.file), selection.schemaFile, selection.authConfigFile]
    .filter((file): file is string => file !== null)
    .map((file) => ({ in: file, out: outName(file) }));

  const built = await runEsbuild(
    esbuild,
    esbuildOptions({ projectDir, functionsDir, outDir, entryPoints, bundleConvexFrom }),
    projectDir,
    projectDir,
  );
  if (!built.ok) return { ok: false, errors: built.errors, warnings: [...selection.warnings, ...built.warnings] };

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
  const { metafile } = built.result;
  return {
    ok: true,
    modules,
    schemaFile: builtFile(selection.schemaFile),
    authConfigFile: builtFile(selection.authConfigFile),
    httpModule: httpModuleOf(modules),
    inputs: sourceInputs(metafile, projectDir),
    warnings: [...selection.warnings, ...built.warnings, ...findNodeApiImports(metafile, projectDir, isolateRoots)],
  };
}

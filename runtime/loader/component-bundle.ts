// Builds one component definition directory: its modules chosen by the app's rules
// (entry-points.ts), its schema, its dependencies bundled in, and `convex` left to Node. Each
// definition is built once, however many times it is installed (component-instances.ts copies it).
import path from "node:path";
import { fileMessage, type BuildMessage } from "./build-message.js";
import { outputPathOf, selectEntryPoints, type EntryPoint } from "./entry-points.js";
import type { Esbuild } from "./esbuild-loader.js";
import { esbuildOptions } from "./esbuild-options.js";
import { runEsbuild } from "./esbuild-run.js";
import { sourceInputs } from "./source-inputs.js";

export interface DefinitionBuild {
  /** Relative to the definition directory, as BuiltModule.path. */
  modules: Array<Pick<EntryPoint, "path" | "environment">>;
  /** The schema's output path relative to outDir ("schema.js"), or null. */
  schemaOutput: string | null;
  inputs: string[];
  warnings: BuildMessage[];
}

export type DefinitionBuildResult = ({ ok: true } & DefinitionBuild) | { ok: false; errors: BuildMessage[]; warnings: BuildMessage[] };

export interface DefinitionBuildOptions {
  esbuild: Esbuild;
  projectDir: string;
  definitionDir: string;
  outDir: string;
  bundleConvexFrom: string | null;
}

export async function buildDefinition(opts: DefinitionBuildOptions): Promise<DefinitionBuildResult> {
  const selection = selectEntryPoints(opts.definitionDir);
  if (!selection.ok) return { ok: false, errors: selection.errors, warnings: [] };
  // The CLI's rule (bundle.ts): components run only in the isolate.
  const nodeModules = selection.modules.filter((m) => m.environment === "node");
  if (nodeModules.length > 0) {
    const text = `"use node" directive is not supported in components. Remove it from the component at: ${opts.definitionDir}.`;
    return { ok: false, errors: nodeModules.map((m) => fileMessage(m.file, text)), warnings: selection.warnings };
  }

  const outName = (file: string) => outputPathOf(path.relative(opts.definitionDir, file).split(path.sep).join("/")).slice(0, -".js".length);
  // auth.config belongs to the app alone: the backend reads it from the root only.
  const sources = [...selection.modules.map((m) => m.file), ...(selection.schemaFile !== null ? [selection.schemaFile] : [])];
  const built = await runEsbuild(
    opts.esbuild,
    esbuildOptions({
      projectDir: opts.projectDir,
      functionsDir: opts.definitionDir,
      outDir: opts.outDir,
      entryPoints: sources.map((file) => ({ in: file, out: outName(file) })),
      bundleConvexFrom: opts.bundleConvexFrom,
      bundleDependencies: true,
    }),
    opts.projectDir,
    opts.definitionDir,
  );
  if (!built.ok) return { ok: false, errors: built.errors, warnings: [...selection.warnings, ...built.warnings] };
  return {
    ok: true,
    modules: selection.modules.map((m) => ({ path: m.path, environment: m.environment })),
    schemaOutput: selection.schemaFile === null ? null : `${outName(selection.schemaFile)}.js`,
    inputs: sourceInputs(built.result.metafile, opts.projectDir),
    warnings: [...selection.warnings, ...built.warnings],
  };
}

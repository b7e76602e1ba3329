// Discovers the component tree the way the Convex backend does: bundle every convex.config from
// the app's down (component-config-bundle.ts), evaluate them children first in a child process
// (component-config-run.ts), and check what they declare. Every problem is a build error at the
// config line that caused it, when that line can be known.
import fs from "node:fs";
import path from "node:path";
import { SourceMap, type SourceMapPayload } from "node:module";
import { fileMessage, type BuildMessage } from "./build-message.js";
import { identifierProblem, readAnalysis, type DefinitionAnalysis } from "./component-analysis.js";
import { bothDefinitionFiles, bundleConfigs, definitionFileIn, type ConfigBundle } from "./component-config-bundle.js";
import {
  CONFIG_MEMORY_LIMIT_MB,
  CONFIG_TIMEOUT_MS,
  runConfigWorker,
  type EvaluatedConfig,
  type RunFailure,
} from "./component-config-run.js";
import type { BundlePosition, ConfigToEvaluate } from "./component-config-worker.js";
import type { Esbuild } from "./esbuild-loader.js";
import { messageAt, messageAtText } from "./source-location.js";

export interface EvaluatedDefinition {
  /** The definition directory (the functions folder for the app), symlinks resolved. */
  dir: string;
  configFile: string;
  /** ComponentDefinitionPath: POSIX, relative to the functions folder; null for the app. */
  definitionPath: string | null;
  analysis: DefinitionAnalysis;
}

export interface ComponentTree {
  app: EvaluatedDefinition;
  /** Component definitions by ComponentDefinitionPath. */
  definitions: Map<string, EvaluatedDefinition>;
  /** The config files and what they import from the project (no node_modules). */
  inputs: string[];
}

export type ComponentTreeResult = { ok: true; tree: ComponentTree | null } | { ok: false; errors: BuildMessage[] };

export interface ComponentTreeOptions {
  esbuild: Esbuild;
  projectDir: string;
  functionsDir: string;
  /** process.env of the app's config. */
  env: Record<string, string>;
  bundleConvexFrom: string | null;
}

/** The tree declared by the functions folder's convex.config, or null when there is none. */
export async function evaluateComponentTree(opts: ComponentTreeOptions): Promise<ComponentTreeResult> {
  const both = bothDefinitionFiles(opts.functionsDir);
  if (both !== null) return fail(fileMessage(path.join(opts.functionsDir, "convex.config.ts"), both));
  const appConfigFile = definitionFileIn(opts.functionsDir);
  if (appConfigFile === null) return { ok: true, tree: null };

  const bundled = await bundleConfigs({ ...opts, appDir: opts.functionsDir, appConfigFile });
  if (!bundled.ok) return bundled;
  const appDir = fs.realpathSync(opts.functionsDir);
  const shown = (file: string) => path.relative(opts.projectDir, file);
  const ordered = childrenFirst(bundled.bundles, appDir, shown);
  if (!ordered.ok) return ordered;

  const definitionPathOf = (dir: string) => (dir === appDir ? null : path.relative(appDir, dir).split(path.sep).join("/"));
  const configs: ConfigToEvaluate[] = ordered.bundles.map((bundle, i) => ({
    dir: bundle.dir,
    code: bundle.code,
    filename: `convex-lens-config-${i}.js`,
    definitionPath: definitionPathOf(bundle.dir) ?? "",
    isApp: bundle.dir === appDir,
  }));
  const run = await runConfigWorker({ configs, appEnv: opts.env, timeoutMs: CONFIG_TIMEOUT_MS });
  if (!run.ok) {
    const bundle = run.index === null ? null : (ordered.bundles[run.index] ?? null);
    const file = bundle?.file ?? appConfigFile;
    return fail(failureMessage(run.failure, bundle, bundle === null ? null : definitionPathOf(bundle.dir), file, shown(file)));
  }

  const { evaluated, errors } = readDefinitions(ordered.bundles, run.evaluated, definitionPathOf);
  if (errors.length > 0) return { ok: false, errors };
  const app = evaluated.find((d) => d.definitionPath === null) as EvaluatedDefinition;
  const definitions = new Map(evaluated.filter((d) => d.definitionPath !== null).map((d) => [d.definitionPath as string, d]));
  return { ok: true, tree: { app, definitions, inputs: bundled.inputs } };
}

/** The evaluated analyses, checked: shape, child definitions and names. */
function readDefinitions(
  bundles: ConfigBundle[],
  results: EvaluatedConfig[],
  definitionPathOf: (dir: string) => string | null,
): { evaluated: EvaluatedDefinition[]; errors: BuildMessage[] } {
  const errors: BuildMessage[] = [];
  const evaluated: EvaluatedDefinition[] = [];
  const knownPaths = new Set(bundles.map((b) => definitionPathOf(b.dir)).filter((p): p is string => p !== null));
  for (const [i, bundle] of bundles.entries()) {
    const definitionPath = definitionPathOf(bundle.dir);
    const analysis = readAnalysis(results[i]?.analysis);
    if (typeof analysis === "string") {
      errors.push(fileMessage(bundle.file, invalidDefinitionText(definitionPath, analysis)));
      continue;
    }
    const useSites = (results[i]?.useSites ?? []).map((frames) => userFrame(bundle, frames));
    // Sites are matched to use() calls by order; if user code read the property too, trust none.
    const sites = useSites.length === analysis.childComponents.length ? useSites : [];
    errors.push(...childProblems(bundle, analysis, sites, knownPaths));
    evaluated.push({ dir: bundle.dir, configFile: bundle.file, definitionPath, analysis });
  }
  return { evaluated, errors };
}

/** Post-order from the app, as the backend evaluates: a definition after everything it imports. */
function childrenFirst(
  bundles: Map<string, ConfigBundle>,
  appDir: string,
  shown: (file: string) => string,
): { ok: true; bundles: ConfigBundle[] } | { ok: false; errors: BuildMessage[] } {
  const done = new Set<string>();
  const ordered: ConfigBundle[] = [];
  const visit = (dir: string, chain: ConfigBundle[]): BuildMessage | null => {
    const bundle = bundles.get(dir);
    if (bundle === undefined || done.has(dir)) return null;
    const start = chain.findIndex((b) => b.dir === dir);
    if (start !== -1) return cycleMessage([...chain.slice(start), bundle], shown);
    for (const imported of bundle.imports) {
      const problem = visit(imported.dir, [...chain, bundle]);
      if (problem !== null) return problem;
    }
    done.add(dir);
    ordered.push(bundle);
    return null;
  };
  const problem = visit(appDir, []);
  return problem === null ? { ok: true, bundles: ordered } : { ok: false, errors: [problem] };
}

function cycleMessage(cycle: ConfigBundle[], shown: (file: string) => string): BuildMessage {
  const first = cycle[0] as ConfigBundle;
  const second = cycle[1] as ConfigBundle;
  const chain = cycle.map((b) => shown(b.file)).join(" imports ");
  const importOfSecond = first.imports.find((i) => i.dir === second.dir);
  const text = `Found cyclic definition dependency: ${chain}. A component cannot use itself, directly or through other components.`;
  if (importOfSecond === undefined) return fileMessage(first.file, text);
  return messageAtText(importOfSecond.importer, [`"${importOfSecond.specifier}"`, `'${importOfSecond.specifier}'`], text);
}

/**
 * Each `use` must get an imported definition, and a name that is an identifier and unique within
 * its parent; defineComponent's name must be an identifier too.
 */
function childProblems(
  bundle: ConfigBundle,
  analysis: DefinitionAnalysis,
  useSites: Array<Location | null>,
  knownPaths: Set<string>,
): BuildMessage[] {
  const errors: BuildMessage[] = [];
  const at = (i: number, text: string) => {
    const site = useSites[i];
    return site ? messageAt(site.file, site.line, site.column, text) : fileMessage(bundle.file, text);
  };
  if (analysis.kind === "component") {
    const problem = identifierProblem(analysis.name);
    if (problem !== null) {
      errors.push(
        messageAtText(bundle.file, ["defineComponent("], `Invalid component name "${analysis.name}" in defineComponent: ${problem}`),
      );
    }
  }
  const seen = new Set<string>();
  for (const [i, child] of analysis.childComponents.entries()) {
    const problem = identifierProblem(child.name);
    if (!knownPaths.has(child.path)) {
      errors.push(
        at(
          i,
          `use() was given something other than the default export of a convex.config file (componentDefinitionPath "${child.path}"). Import the component's convex.config and pass that.`,
        ),
      );
    } else if (problem !== null) {
      errors.push(at(i, `Invalid component name "${child.name}": ${problem}. Pass a valid one with use(component, { name: "…" }).`));
    } else if (seen.has(child.name)) {
      errors.push(
        at(
          i,
          `A component named "${child.name}" is already installed here: each use() needs its own name. Pass a different one with use(component, { name: "…" }).`,
        ),
      );
    }
    seen.add(child.name);
  }
  return errors;
}

interface Location {
  file: string;
  line: number;
  column: number;
}

/**
 * The first stack frame in the user's code: frames inside the `convex` package (use(),
 * defineApp()) are where convex noticed the problem, not where it is.
 */
function userFrame(bundle: ConfigBundle, frames: BundlePosition[]): Location | null {
  const map = new SourceMap(bundle.map as SourceMapPayload);
  for (const frame of frames) {
    const entry = map.findEntry(frame.line - 1, frame.column - 1) as Partial<{
      originalSource: string;
      originalLine: number;
      originalColumn: number;
    }>;
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) continue;
    const file = path.resolve(bundle.mapDir, entry.originalSource);
    if (file.split(path.sep).join("/").includes("/node_modules/convex/")) continue;
    return { file, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
  }
  return null;
}

/** `shown`: the failing config `file` as the user reads it (relative to the project). */
function failureMessage(
  failure: RunFailure,
  bundle: ConfigBundle | null,
  definitionPath: string | null,
  file: string,
  shown: string,
): BuildMessage {
  switch (failure.kind) {
    case "threw": {
      const text = `Uncaught ${failure.text} (while evaluating ${shown})`;
      const site = bundle === null ? null : userFrame(bundle, failure.frames);
      return site === null ? fileMessage(file, text) : messageAt(site.file, site.line, site.column, text);
    }
    case "timeout":
      return fileMessage(
        file,
        `${shown} did not finish evaluating within ${CONFIG_TIMEOUT_MS} ms (Convex's limit for a convex.config file). Look for an endless loop in it or in what it imports.`,
      );
    case "invalid-export":
      return fileMessage(file, invalidDefinitionText(definitionPath, failure.detail));
    case "out-of-memory":
      return fileMessage(file, `${shown} ran out of memory while evaluating (limit ${CONFIG_MEMORY_LIMIT_MB} MB).`);
    case "crashed":
      return fileMessage(file, `Evaluating ${shown} failed: ${failure.message}`);
  }
}

/** The backend's InvalidDefinition message. */
function invalidDefinitionText(definitionPath: string | null, detail: string): string {
  if (definitionPath === null) {
    return (
      `The default export of \`convex.config.ts\` in your app has an invalid value (${detail}). ` +
      "Please make sure that you’re exporting the return value of `defineApp()` (`import { defineApp } from 'convex/server'`)."
    );
  }
  return (
    `The default export of \`convex.config.ts\` in component \`${definitionPath}\` has an invalid value (${detail}). ` +
    "Please make sure that the component is exporting the return value of `defineComponent()` (`import { defineComponent } from 'convex/server'`)."
  );
}

function fail(error: BuildMessage): ComponentTreeResult {
  return { ok: false, errors: [error] };
}

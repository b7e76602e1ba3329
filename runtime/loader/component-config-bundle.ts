// Bundles the app's convex.config and, level by level, the configs of the components it imports,
// following the Convex CLI (cli/lib/components/definition/bundle.ts): every import whose specifier
// matches /convex\.config/ is resolved with esbuild's resolver (package `exports`, conditions
// convex/module, symlinks resolved), and when it lands on the definition file of a directory, that
// directory is a component definition. Its import is replaced by a synthetic module that asks the
// evaluating worker for the child's analysis, as the backend serves `_componentDeps/…`.
import fs from "node:fs";
import path from "node:path";
import type { Plugin } from "esbuild";
import type { BuildMessage } from "./build-message.js";
import { CONFIG_EXPORTS_GLOBAL, IMPORT_COMPONENT_GLOBAL } from "./component-config-worker.js";
import type { Esbuild } from "./esbuild-loader.js";
import { runEsbuild } from "./esbuild-run.js";
import { sourceInputs } from "./source-inputs.js";

export const DEFINITION_FILES = ["convex.config.ts", "convex.config.js"];

const NAMESPACE = "convex-lens-component-definition";
const RESOLVING = Symbol("convex-lens-resolving-component");

export interface ConfigBundle {
  /** The definition directory (symlinks resolved). */
  dir: string;
  /** The config file that was bundled. */
  file: string;
  code: string;
  /** The bundle's source map (sources relative to `mapDir`). */
  map: object;
  mapDir: string;
  /** Definition directories this config imports, with the import that named each. */
  imports: Array<{ dir: string; specifier: string; importer: string }>;
}

export type ConfigBundleResult = { ok: true; bundles: Map<string, ConfigBundle>; inputs: string[] } | { ok: false; errors: BuildMessage[] };

export interface ConfigBundleOptions {
  esbuild: Esbuild;
  projectDir: string;
  /** The app's definition directory (the functions folder) and its config file. */
  appDir: string;
  appConfigFile: string;
  /** The node_modules folder holding our own `convex`, when the project has none. */
  bundleConvexFrom: string | null;
}

interface ComponentImport {
  dir: string;
  file: string;
  specifier: string;
  importer: string;
}

export async function bundleConfigs(opts: ConfigBundleOptions): Promise<ConfigBundleResult> {
  const bundles = new Map<string, ConfigBundle>();
  const inputs = new Set<string>();
  let level: Array<{ dir: string; file: string }> = [{ dir: fs.realpathSync(opts.appDir), file: opts.appConfigFile }];
  // One esbuild run per depth of the tree: the configs of the next level are known only once
  // this level's imports are resolved.
  while (level.length > 0) {
    const built = await bundleLevel(opts, level, bundles.size);
    if (!built.ok) return built;
    for (const file of built.inputs) inputs.add(file);
    for (const bundle of built.bundles) bundles.set(bundle.dir, bundle);
    const next = new Map<string, { dir: string; file: string }>();
    for (const imported of built.bundles.flatMap((bundle) => bundle.imports)) {
      const file = built.files.get(imported.dir);
      if (!bundles.has(imported.dir) && file !== undefined) next.set(imported.dir, { dir: imported.dir, file });
    }
    level = [...next.values()];
  }
  return { ok: true, bundles, inputs: [...inputs].sort() };
}

type LevelResult =
  | { ok: true; bundles: ConfigBundle[]; files: Map<string, string>; inputs: string[] }
  | { ok: false; errors: BuildMessage[] };

async function bundleLevel(opts: ConfigBundleOptions, level: Array<{ dir: string; file: string }>, offset: number): Promise<LevelResult> {
  const found: ComponentImport[] = [];
  // Never written: esbuild needs an output folder to name files and relate map sources to.
  const outdir = path.join(opts.projectDir, ".convex-lens", "config-bundles");
  const names = level.map((_, i) => `config-${offset + i}`);
  const built = await runEsbuild(
    opts.esbuild,
    {
      absWorkingDir: opts.projectDir,
      entryPoints: level.map((config, i) => ({ in: config.file, out: names[i] as string })),
      outdir,
      bundle: true,
      // A script, not a module: the worker runs it with vm.Script and reads the exports off a global.
      format: "iife",
      globalName: CONFIG_EXPORTS_GLOBAL,
      // As the CLI bundles definitions: for the isolate, so Node built-ins fail here as they would there.
      platform: "browser",
      target: `node${process.versions.node}`,
      conditions: ["convex", "module"],
      define: { "process.env.NODE_ENV": '"production"' },
      keepNames: true,
      sourcemap: "external",
      sourcesContent: false,
      write: false,
      metafile: true,
      logLevel: "silent",
      ...(opts.bundleConvexFrom !== null ? { nodePaths: [opts.bundleConvexFrom] } : {}),
      plugins: [componentImportPlugin(found)],
    },
    opts.projectDir,
    level[0]?.file ?? opts.projectDir,
  );
  if (!built.ok) return built;
  const { outputFiles, metafile } = built.result;

  const files = new Map(found.map((imported) => [imported.dir, imported.file]));
  const bundles: ConfigBundle[] = level.map((config, i) => {
    const jsPath = path.join(outdir, `${names[i]}.js`);
    const output = (suffix: string) => outputFiles.find((f) => f.path === jsPath + suffix)?.text ?? "";
    const outputKey = path.relative(opts.projectDir, jsPath).split(path.sep).join("/");
    // Which synthetic modules went into this entry's output: its child definitions.
    const importedDirs = Object.keys(metafile.outputs[outputKey]?.inputs ?? {})
      .filter((key) => key.startsWith(`${NAMESPACE}:`))
      .map((key) => key.slice(NAMESPACE.length + 1));
    const imports = importedDirs.map((dir) => {
      const named = found.find((imported) => imported.dir === dir);
      return { dir, specifier: named?.specifier ?? dir, importer: named?.importer ?? config.file };
    });
    return {
      dir: config.dir,
      file: config.file,
      code: output(""),
      map: JSON.parse(output(".map") || "{}") as object,
      mapDir: outdir,
      imports,
    };
  });
  return { ok: true, bundles, files, inputs: sourceInputs(metafile, opts.projectDir) };
}

function componentImportPlugin(found: ComponentImport[]): Plugin {
  return {
    name: "convex-lens-component-imports",
    setup(build) {
      // As loose as the CLI's: "convex.config", "convex.config.js", "…/convex.config.ts" all qualify.
      build.onResolve({ filter: /convex\.config/ }, async (args) => {
        if (args.kind === "entry-point" || args.pluginData === RESOLVING || args.namespace !== "file") return undefined;
        let resolved: string | null = null;
        let resolveErrors: string[] = [];
        for (const candidate of candidatesFor(args.path)) {
          const result = await build.resolve(candidate, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            importer: args.importer,
            pluginData: RESOLVING,
          });
          if (result.errors.length === 0 && result.path !== "") {
            resolved = result.path;
            break;
          }
          if (candidate === args.path) resolveErrors = result.errors.map((e) => e.text);
        }
        if (resolved === null)
          return { errors: [{ text: notResolvedText(args.path, args.resolveDir), notes: resolveErrors.map((text) => ({ text })) }] };

        const dir = path.dirname(resolved);
        // Only the definition file itself makes a component import; `./convex.config.helpers` is code.
        if (!DEFINITION_FILES.includes(path.basename(resolved)) || definitionFileIn(dir) === null) return undefined;
        const both = bothDefinitionFiles(dir);
        if (both !== null) return { errors: [{ text: both }] };
        found.push({ dir, file: resolved, specifier: args.path, importer: args.importer });
        return { path: dir, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: `export default globalThis.${IMPORT_COMPONENT_GLOBAL}(${JSON.stringify(args.path)});\n`,
        loader: "js",
      }));
    },
  };
}

// The CLI's candidates: the specifier, then with `.js` swapped for `.ts`, or with either added.
function candidatesFor(specifier: string): string[] {
  const ext = path.posix.extname(specifier);
  if (ext === ".js") return [specifier, `${specifier.slice(0, -".js".length)}.ts`];
  if (ext === ".ts") return [specifier];
  return [specifier, `${specifier}.js`, `${specifier}.ts`];
}

function notResolvedText(specifier: string, resolveDir: string): string {
  if (specifier.startsWith(".") || path.isAbsolute(specifier)) return `Could not resolve "${specifier}"`;
  const parts = specifier.split("/");
  const pkg = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
  if (isInstalled(pkg, resolveDir)) {
    return `Could not resolve "${specifier}": the package ${pkg} is installed but does not export that path (see "exports" in its package.json).`;
  }
  return `Could not resolve "${specifier}": is it installed? Run \`npm install ${pkg}\``;
}

function isInstalled(pkg: string, fromDir: string): boolean {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules", pkg, "package.json"))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/** The definition file a directory would be loaded from, or null if it defines no component. */
export function definitionFileIn(dir: string): string | null {
  for (const name of DEFINITION_FILES) {
    const file = path.join(dir, name);
    if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
  }
  return null;
}

/**
 * The error for a directory of the user's holding both convex.config.ts and .js, or null. The CLI
 * silently takes the .ts; one of the two is a stale leftover the user should know about. Installed
 * packages are not checked: they are not the user's to fix.
 */
export function bothDefinitionFiles(dir: string): string | null {
  if (dir.split(path.sep).includes("node_modules")) return null;
  const [ts, js] = DEFINITION_FILES.map((name) => path.join(dir, name)) as [string, string];
  const exists = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  return exists(ts) && exists(js) ? `Found both ${js} and ${ts}, choose one.` : null;
}

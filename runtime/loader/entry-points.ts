// Chooses which files under the functions folder become Convex modules, following the Convex CLI
// (convex/src/bundler/index.ts `entryPoints` and `entryPointsByEnvironment`) rule for rule, so a
// function that runs here is one that `npx convex deploy` would deploy, and nothing more.
import fs from "node:fs";
import path from "node:path";
import { fileMessage, type BuildMessage } from "./build-message.js";
import { hasUseNodeDirective } from "./use-node-directive.js";

/** Where Convex would run a module: its V8 isolate, or Node for files marked "use node". */
export type ModuleEnvironment = "isolate" | "node";

export interface EntryPoint {
  /** Relative to the functions folder, with forward slashes: "messages.ts", "dir/sub.ts". */
  path: string;
  /** Absolute source path. */
  file: string;
  environment: ModuleEnvironment;
}

export interface EntryPointSelection {
  modules: EntryPoint[];
  /** schema.ts or schema.js: bundled, but not a function module. */
  schemaFile: string | null;
  /** auth.config.ts or auth.config.js: bundled, but not a function module. */
  authConfigFile: string | null;
  warnings: BuildMessage[];
}

export type EntryPointsResult = ({ ok: true } & EntryPointSelection) | { ok: false; errors: BuildMessage[] };

// esbuild's js/ts/jsx loaders; other files (json, css, md) may be imported but never define functions.
const ENTRY_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".jsx"];

// The CLI refuses a "use node" directive in these, because the backend runs them in the isolate.
const ISOLATE_ONLY = ["http", "crons", "schema", "auth.config"];

export type SkipReason = "not-js" | "generated" | "dotfile" | "editor-temp" | "schema" | "multiple-dots" | "space";

/**
 * Why the CLI would not deploy a file as a module, or null if it would. `relPath` uses the
 * platform separator, as the CLI compares it. Extensions are matched case-sensitively, as there.
 */
export function skipReason(relPath: string): SkipReason | null {
  const base = path.basename(relPath);
  if (!ENTRY_EXTENSIONS.some((ext) => relPath.endsWith(ext))) return "not-js";
  if (relPath.startsWith(`_generated${path.sep}`)) return "generated";
  if (base.startsWith(".")) return "dotfile";
  if (base.startsWith("#")) return "editor-temp";
  if (base === "schema.ts" || base === "schema.js") return "schema";
  // Keeps auth.config.ts, convex.config.ts and *.test.ts / *.spec.ts out of the deployment.
  if ((base.match(/\./g) ?? []).length > 1) return "multiple-dots";
  if (relPath.includes(" ")) return "space";
  return null;
}

export function selectEntryPoints(functionsDir: string): EntryPointsResult {
  const errors: BuildMessage[] = [];
  const warnings: BuildMessage[] = [];
  const modules: EntryPoint[] = [];

  for (const { file, depth } of walkFiles(functionsDir, 0)) {
    const relPath = path.relative(functionsDir, file);
    const base = path.basename(file);

    if (relPath.startsWith(`_deps${path.sep}`)) {
      errors.push(
        fileMessage(
          file,
          `The path "${file}" is within the "_deps" directory, which is reserved for dependencies. Please move your code to another directory.`,
        ),
      );
      continue;
    }
    if (depth === 0 && base.toLowerCase().startsWith("https.") && importsHttpRouter(file)) {
      warnings.push(
        fileMessage(
          file,
          `Found ${base}. HTTP action routes will not be imported from this file. Did you mean to include http${path.extname(base).toLowerCase()}?`,
        ),
      );
    }
    if (skipReason(relPath) !== null) continue;
    // TypeScript needs an import or export to treat a file as a module; the CLI skips files without one.
    if ((file.endsWith(".ts") || file.endsWith(".tsx")) && !/^\s{0,100}(import|export)/m.test(readText(file))) continue;

    const modulePath = relPath.split(path.sep).join("/");
    const environment = environmentOf(file, modulePath, errors);
    modules.push({ path: modulePath, file, environment });
  }

  const schemaFile = firstExisting(functionsDir, ["schema.ts", "schema.js"]);
  const authConfigFile = pickAuthConfig(functionsDir, errors);
  errors.push(...outputCollisions(functionsDir, modules, schemaFile, authConfigFile));

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, modules, schemaFile, authConfigFile, warnings };
}

/** The output path esbuild gives an entry point: same folders, extension replaced by `.js`. */
export function outputPathOf(modulePath: string): string {
  const ext = path.posix.extname(modulePath);
  return `${modulePath.slice(0, modulePath.length - ext.length)}.js`;
}

/** The module defining HTTP routes (http.ts, http.js, …) at the top of a definition, or null. */
export function httpModuleOf(modules: Array<{ path: string }>): string | null {
  return modules.find((m) => /^http\.[^./]+$/.test(m.path))?.path ?? null;
}

function environmentOf(file: string, modulePath: string, errors: BuildMessage[]): ModuleEnvironment {
  const withoutExt = modulePath.replace(/\.[^/.]+$/, "");
  if (hasUseNodeDirective(readText(file))) {
    if (ISOLATE_ONLY.includes(withoutExt)) {
      errors.push(fileMessage(file, `"use node" directive is not allowed for ${modulePath}.`));
    }
    return "node";
  }
  // The retired convex/actions/ convention: the CLI insists those files say "use node" explicitly.
  if (modulePath.startsWith("actions/")) {
    errors.push(
      fileMessage(
        file,
        `${modulePath} is in /actions subfolder but has no "use node"; directive. You can now define actions in any folder and indicate they should run in node by adding "use node" directive. /actions is a deprecated way to choose Node.js environment, and we require "use node" for all files within that folder to avoid unexpected errors during the migration. See https://docs.convex.dev/functions/actions for more details`,
      ),
    );
  }
  return "isolate";
}

function pickAuthConfig(functionsDir: string, errors: BuildMessage[]): string | null {
  const ts = path.join(functionsDir, "auth.config.ts");
  const js = path.join(functionsDir, "auth.config.js");
  if (isFile(ts) && isFile(js)) {
    errors.push(fileMessage(ts, `Found both ${js} and ${ts}, choose one.`));
    return null;
  }
  return firstExisting(functionsDir, ["auth.config.ts", "auth.config.js"]);
}

// Two sources with one output name (http.ts next to http.js) would make esbuild fail with a message
// about output files; say which sources clash instead.
function outputCollisions(
  functionsDir: string,
  modules: EntryPoint[],
  schemaFile: string | null,
  authConfigFile: string | null,
): BuildMessage[] {
  const sources = [...modules.map((m) => m.file), schemaFile, authConfigFile].filter((f): f is string => f !== null);
  const seen = new Map<string, string>();
  const errors: BuildMessage[] = [];
  for (const file of sources) {
    const out = outputPathOf(path.relative(functionsDir, file).split(path.sep).join("/"));
    const earlier = seen.get(out);
    if (earlier === undefined) {
      seen.set(out, file);
      continue;
    }
    const show = (f: string) => path.relative(functionsDir, f);
    errors.push(fileMessage(file, `${show(earlier)} and ${show(file)} would both become the module ${out}. Delete or rename one of them.`));
  }
  return errors;
}

// Mirrors the CLI's walk: names sorted by UTF-16 code unit, directories that define a nested
// component (they contain convex.config.ts) skipped, symlinks ignored (they are neither file nor
// directory to the CLI). We also skip node_modules, which the CLI would walk into and try to deploy.
function* walkFiles(dir: string, depth: number): Generator<{ file: string; depth: number }> {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "node_modules" || isFile(path.join(child, "convex.config.ts"))) continue;
      yield* walkFiles(child, depth + 1);
    } else if (entry.isFile()) {
      yield { file: child, depth };
    }
  }
}

// The CLI parses the file; a regex over the import is close enough for a warning.
function importsHttpRouter(file: string): boolean {
  return /import\s*\{[^}]*\bhttpRouter\b[^}]*\}\s*from/.test(readText(file));
}

function firstExisting(dir: string, names: string[]): string | null {
  for (const name of names) {
    const candidate = path.join(dir, name);
    if (isFile(candidate)) return candidate;
  }
  return null;
}

function readText(file: string): string {
  return fs.readFileSync(file, "utf8");
}

function isFile(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

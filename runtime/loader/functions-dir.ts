// Finds the folder that holds a project's Convex functions, reading convex.json the way the
// Convex CLI does (src/cli/lib/config.ts), so we build the same folder `npx convex dev` deploys.
import fs from "node:fs";
import path from "node:path";
import { fileMessage, type BuildMessage } from "./build-message.js";

const DEFAULT_FUNCTIONS_PATH = "convex/";

export interface FunctionsDir {
  projectDir: string;
  /** Absolute path of the functions folder. */
  functionsDir: string;
  /** Absolute path of convex.json, or null when the default folder is used. */
  configFile: string | null;
}

export type FunctionsDirResult = ({ ok: true } & FunctionsDir) | { ok: false; error: BuildMessage };

export function findFunctionsDir(projectDir: string): FunctionsDirResult {
  const root = path.resolve(projectDir);
  const configFile = path.join(root, "convex.json");
  const misplacedConfig = path.join(root, "src", "convex.json");

  if (!isFile(configFile)) {
    // The CLI stopped reading src/convex.json in 2022 but still points people at the fix.
    if (isFile(misplacedConfig)) {
      return fail(misplacedConfig, "convex.json must be at the root of your project: move src/convex.json next to package.json.");
    }
    return checkExists(root, path.resolve(root, defaultFunctionsPath(root)), null);
  }

  let config: unknown;
  try {
    config = JSON.parse(fs.readFileSync(configFile, "utf8"));
  } catch (err) {
    return { ok: false, error: jsonErrorMessage(configFile, err) };
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    return fail(configFile, "Expected `convex.json` to contain an object.");
  }
  const functions = (config as { functions?: unknown }).functions ?? DEFAULT_FUNCTIONS_PATH;
  if (typeof functions !== "string") {
    return fail(configFile, '`functions` in `convex.json` must be a string, the path of your functions folder (like "convex/").');
  }
  return checkExists(root, path.resolve(root, functions), configFile);
}

/** The root-level module that defines HTTP routes, if any: `http.ts`, `http.js`, … */
export function findHttpFile(functionsDir: string): string | null {
  // The backend loads the module whose bundled path is `http.js`; any JS/TS source named http.* becomes that.
  for (const ext of [".ts", ".js", ".tsx", ".jsx", ".mts", ".mjs", ".cts", ".cjs"]) {
    const candidate = path.join(functionsDir, `http${ext}`);
    if (isFile(candidate)) return candidate;
  }
  return null;
}

// create-react-app refuses imports from outside src/, so the CLI defaults to src/convex/ there.
function defaultFunctionsPath(root: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as Record<string, unknown>;
    const deps = { ...(pkg.dependencies as object | undefined), ...(pkg.devDependencies as object | undefined) };
    if ("react-scripts" in deps) return path.join("src", DEFAULT_FUNCTIONS_PATH);
  } catch {
    // No or unreadable package.json: the plain default applies.
  }
  return DEFAULT_FUNCTIONS_PATH;
}

function checkExists(root: string, functionsDir: string, configFile: string | null): FunctionsDirResult {
  if (fs.statSync(functionsDir, { throwIfNoEntry: false })?.isDirectory()) {
    return { ok: true, projectDir: root, functionsDir, configFile };
  }
  const shown = path.relative(root, functionsDir) || ".";
  const how = configFile
    ? `Create it, or change "functions" in convex.json to the folder that holds your Convex functions.`
    : `Create it (run \`npx convex dev\` once), or add a convex.json with {"functions": "<folder>"} if your functions live elsewhere.`;
  return fail(configFile ?? functionsDir, `Convex functions folder not found: ${shown}/. ${how}`);
}

// JSON.parse only says "at position N"; turn that into a line and column the editor can show.
function jsonErrorMessage(file: string, err: unknown): BuildMessage {
  const detail = err instanceof Error ? err.message : String(err);
  const message = fileMessage(file, `Could not parse convex.json: ${detail}`);
  const position = /at position (\d+)/.exec(detail);
  if (position?.[1] !== undefined) {
    const before = fs.readFileSync(file, "utf8").slice(0, Number(position[1]));
    const lines = before.split("\n");
    message.line = lines.length;
    message.column = (lines.at(-1)?.length ?? 0) + 1;
  }
  return message;
}

function fail(file: string, text: string): FunctionsDirResult {
  return { ok: false, error: fileMessage(file, text) };
}

function isFile(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

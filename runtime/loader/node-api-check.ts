// Everything runs in Node here, so importing `fs` from a query works locally, yet the Convex CLI
// bundles such files for its V8 isolate and refuses Node built-ins there. This finds those imports
// in the build's module graph so we can warn before the user deploys.
import { builtinModules } from "node:module";
import path from "node:path";
import type { Metafile } from "esbuild";
import type { BuildMessage } from "./build-message.js";
import { messageAtText } from "./source-location.js";

// The CLI shims async_hooks for the isolate (AsyncLocalStorage exists there).
const ALLOWED_IN_ISOLATE = new Set(["async_hooks"]);

/**
 * @param isolateRoots absolute paths of modules that run in the isolate (no "use node"),
 *   including schema and auth config.
 */
export function findNodeApiImports(metafile: Metafile, workingDir: string, isolateRoots: string[]): BuildMessage[] {
  const keyOf = (file: string) => path.relative(workingDir, file).split(path.sep).join("/");
  const reported = new Set<string>();
  const visited = new Set<string>();
  const warnings: BuildMessage[] = [];

  for (const root of isolateRoots) {
    const stack = [keyOf(root)];
    while (stack.length > 0) {
      const key = stack.pop() as string;
      if (visited.has(key)) continue;
      visited.add(key);
      for (const imported of metafile.inputs[key]?.imports ?? []) {
        if (!imported.external) {
          stack.push(imported.path);
          continue;
        }
        const builtin = builtinName(imported.path);
        if (builtin === null || ALLOWED_IN_ISOLATE.has(builtin) || reported.has(`${key}\0${imported.path}`)) continue;
        reported.add(`${key}\0${imported.path}`);
        warnings.push(warningAt(path.resolve(workingDir, key), imported.original ?? imported.path, root, workingDir));
      }
    }
  }
  return warnings;
}

function builtinName(specifier: string): string | null {
  const name = specifier.startsWith("node:") ? specifier.slice(5) : specifier;
  const top = name.split("/")[0] ?? name;
  return specifier.startsWith("node:") || builtinModules.includes(top) ? top : null;
}

function warningAt(file: string, specifier: string, root: string, workingDir: string): BuildMessage {
  const shown = path.relative(workingDir, file);
  const via = file === root ? "" : ` (reached from ${path.relative(workingDir, root)})`;
  const text =
    `${shown} imports the Node.js module "${specifier}"${via}. Convex runs this code in its JavaScript runtime, ` +
    `which has no Node.js modules, so deploying will fail. Move the code into an action in a file that starts with "use node".`;
  // The metafile has no positions; the first line quoting the specifier is where the import is.
  return messageAtText(file, [`"${specifier}"`, `'${specifier}'`], text);
}

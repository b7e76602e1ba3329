// Used only when the project has no `convex` installed: then `convex/*` is bundled from the
// extension's own copy (found through esbuild's nodePaths), while every other package import stays
// external, as it is with `packages: "external"`. We never substitute our copies of other packages
// for the user's: those imports fail at run time with Node's usual "Cannot find package" instead.
import { builtinModules } from "node:module";
import path from "node:path";
import type { Plugin } from "esbuild";

const GUARD = Symbol("convex-lens-bundled-convex");

export function bundledConvexPlugin(ownNodeModules: string): Plugin {
  return {
    name: "convex-lens-bundled-convex",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === GUARD || path.isAbsolute(args.path)) return undefined;
        if (args.path === "convex" || args.path.startsWith("convex/")) return undefined;
        // Whatever our bundled convex imports comes from our install too.
        if (args.importer.startsWith(ownNodeModules + path.sep)) return undefined;
        if (args.path.startsWith("node:") || builtinModules.includes(args.path.split("/")[0] ?? "")) {
          return { path: args.path, external: true };
        }
        // tsconfig `paths` aliases look like packages but point at the user's own sources: bundle those.
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: GUARD,
        });
        const fromOurs = resolved.path.startsWith(ownNodeModules + path.sep);
        const isPackage = resolved.path.split(path.sep).includes("node_modules");
        if (resolved.errors.length === 0 && !resolved.external && !fromOurs && !isPackage) {
          return { path: resolved.path, namespace: resolved.namespace, sideEffects: resolved.sideEffects };
        }
        return { path: args.path, external: true };
      });
    },
  };
}

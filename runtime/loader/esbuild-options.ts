// The esbuild configuration, kept apart from the build steps because each choice here decides how
// close local runs stay to what the Convex CLI deploys (convex/src/bundler/debugBundle.ts).
import type { BuildOptions, Plugin } from "esbuild";
import { bundledConvexPlugin } from "./bundled-convex-plugin.js";
import { generatedStandInsPlugin } from "./generated-plugin.js";
import { serverOnlyPlugin } from "./server-only-plugin.js";

export interface OptionsInput {
  projectDir: string;
  functionsDir: string;
  outDir: string;
  /** `out` is the output path without `.js`, relative to outDir: "messages", "dir/sub", "schema". */
  entryPoints: Array<{ in: string; out: string }>;
  /** The node_modules folder holding our own `convex`, when the project has none. */
  bundleConvexFrom: string | null;
  /**
   * Bundle the packages it imports too, all but `convex`: for components, whose code the backend
   * runs from their own bundle (dependencies included) with the deployment's single `convex`.
   */
  bundleDependencies?: boolean;
}

export function esbuildOptions(input: OptionsInput): BuildOptions & { metafile: true } {
  const plugins: Plugin[] = [serverOnlyPlugin, generatedStandInsPlugin(input.functionsDir)];
  if (input.bundleConvexFrom !== null && !input.bundleDependencies) plugins.push(bundledConvexPlugin(input.bundleConvexFrom));

  return {
    absWorkingDir: input.projectDir,
    entryPoints: input.entryPoints,
    outdir: input.outDir,
    outbase: input.functionsDir,
    bundle: true,
    format: "esm",
    // Platform "node", where the CLI uses "browser" for isolate modules. Everything here runs in
    // Node, and package imports stay external, so Node resolves them with its own conditions at
    // run time; "node" makes the little that is bundled (tsconfig-path aliases, our fallback
    // `convex`) resolve the same way, and lets "use node" files import built-ins. One platform
    // also means one build, so isolate and "use node" modules share chunks and a single `convex`
    // instance. The difference users would hit, Node built-ins imported from isolate code, is
    // reported separately as a warning (node-api-check.ts).
    platform: "node",
    // The CLI targets esnext because the backend's V8 is recent. Node may be older than the
    // syntax esbuild passes through (`using`, decorators), so lower to what this Node runs.
    target: `node${process.versions.node}`,
    // Splitting as the CLI does: a file imported by several modules is evaluated once, so its
    // module-level state is shared between them as on the backend.
    splitting: true,
    chunkNames: "_deps/[hash]",
    conditions: ["convex", "module"],
    jsx: "automatic",
    keepNames: true,
    treeShaking: true,
    // No minification, unlike the CLI: readable output for stepping through in a debugger.
    define: { "process.env.NODE_ENV": '"production"' },
    // Bare imports (`convex/server`, npm packages) are loaded by Node from the project's own
    // node_modules, giving one `convex` instance shared with the runtime's view of the package.
    ...externalPackages(input),
    // Linked maps (`x.js.map` next to `x.js`): with process.setSourceMapsEnabled(true) Node maps
    // stack frames back to convex/….ts, and debuggers find them too. Inline maps would do the same
    // but double every file a human might open. Sources stay on disk, so no sourcesContent.
    sourcemap: "linked",
    sourcesContent: false,
    plugins,
    write: true,
    metafile: true,
    logLevel: "silent",
  };
}

// Without the project's own `convex`, ours is bundled in (found through nodePaths); with it, it
// stays external so Node loads that one copy for the app and every component alike.
function externalPackages(input: OptionsInput): Pick<BuildOptions, "packages" | "external" | "nodePaths"> {
  if (input.bundleConvexFrom !== null) return { nodePaths: [input.bundleConvexFrom] };
  return input.bundleDependencies ? { external: ["convex", "convex/*"] } : { packages: "external" };
}

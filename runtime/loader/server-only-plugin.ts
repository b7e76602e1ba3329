// Next.js apps mark shared code with `import "server-only"`. That package throws when loaded
// outside React's server condition, so, like the Convex CLI, we replace it with an empty module
// instead of leaving it external for Node to load.
import type { Plugin } from "esbuild";

const NAMESPACE = "convex-lens-server-only";

export const serverOnlyPlugin: Plugin = {
  name: "convex-lens-server-only",
  setup(build) {
    build.onResolve({ filter: /^server-only$/ }, (args) => ({ path: args.path, namespace: NAMESPACE }));
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => ({ contents: "", loader: "js" }));
  },
};

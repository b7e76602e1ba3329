// A `require` anchored at this file, for finding the extension's own copies of `convex` and
// `esbuild`. Works both when this code runs as ESM/tsx (import.meta.url) and when it is bundled to
// CommonJS for the extension host (where import.meta is empty but __filename exists).
import { createRequire } from "node:module";

export const ownRequire: NodeJS.Require = createRequire(typeof __filename === "string" ? __filename : import.meta.url);

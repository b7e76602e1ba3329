// Lets a project build before `npx convex dev` has ever run codegen. Only `_generated/api` and
// `_generated/server` carry runtime values, and every one of them is generic (`anyApi`,
// `queryGeneric`, …), so when those files are missing we serve stand-ins with the same exports.
// When the real files exist they are used untouched.
import fs from "node:fs";
import path from "node:path";
import type { Plugin } from "esbuild";

const NAMESPACE = "convex-lens-generated";
const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];

// The stand-ins read through a namespace import so they still load with older `convex` versions
// that lack a newer export (componentsGeneric arrived with components).
const STAND_INS: Record<"api" | "server", string> = {
  api: `import * as server from "convex/server";
export const api = server.anyApi;
export const internal = server.anyApi;
export const components = typeof server.componentsGeneric === "function" ? server.componentsGeneric() : undefined;
`,
  server: `import * as server from "convex/server";
export const query = server.queryGeneric;
export const internalQuery = server.internalQueryGeneric;
export const mutation = server.mutationGeneric;
export const internalMutation = server.internalMutationGeneric;
export const action = server.actionGeneric;
export const internalAction = server.internalActionGeneric;
export const httpAction = server.httpActionGeneric;
export const components = typeof server.componentsGeneric === "function" ? server.componentsGeneric() : undefined;
// Codegen exports process.env itself; forwarding keeps it live if the runtime swaps process.env
// per execution to isolate deployment variables.
export const env = new Proxy({}, {
  get: (_, key) => globalThis.process.env[key],
  has: (_, key) => key in globalThis.process.env,
  ownKeys: () => Reflect.ownKeys(globalThis.process.env),
  getOwnPropertyDescriptor: (_, key) => {
    const value = globalThis.process.env[key];
    return value === undefined ? undefined : { value, enumerable: true, configurable: true, writable: false };
  },
});
`,
};

export function generatedStandInsPlugin(functionsDir: string): Plugin {
  const generatedDir = path.join(functionsDir, "_generated");
  return {
    name: "convex-lens-generated-stand-ins",
    setup(build) {
      build.onResolve({ filter: /_generated\/(api|server)(\.[cm]?[jt]sx?)?$/ }, (args) => {
        // Only relative or absolute imports can point at the functions folder's _generated.
        if (!args.path.startsWith(".") && !path.isAbsolute(args.path)) return undefined;
        const target = path.resolve(args.resolveDir, args.path);
        const name = path.basename(target).replace(/\.[cm]?[jt]sx?$/, "");
        const base = path.join(path.dirname(target), name);
        if (path.dirname(base) !== generatedDir || (name !== "api" && name !== "server")) return undefined;
        if (SOURCE_EXTENSIONS.some((ext) => fs.existsSync(base + ext))) return undefined;
        return { path: base, namespace: NAMESPACE, pluginData: name };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: STAND_INS[args.pluginData as "api" | "server"],
        loader: "js",
        // Resolve `convex/server` from the project, as the real generated files would.
        resolveDir: functionsDir,
      }));
    },
  };
}

// Builds the bundles: the CLI, the user-code worker and the convex.config worker (Node), the
// extension (Node, `vscode` external) and the webview (browser). `--watch` rebuilds on change.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const watch = process.argv.includes("--watch");
const pkg = JSON.parse(readFileSync("package.json", "utf8"));

const node = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: true,
  // esbuild ships a native binary per platform; it is resolved from node_modules at run time.
  external: ["esbuild"],
  define: { "process.env.CONVEX_LENS_VERSION": JSON.stringify(pkg.version) },
  // runtime/loader reads import.meta.url only where __filename is missing (ESM); CJS has it.
  logOverride: { "empty-import-meta": "silent" },
  logLevel: "warning",
};

const builds = [
  { ...node, entryPoints: { cli: "runtime/cli/main.ts" }, outdir: "dist" },
  { ...node, entryPoints: { "runtime-worker": "runtime/worker/worker-main.ts" }, outdir: "dist" },
  // The thread that evaluates convex.config files, started by the loader in the CLI and the extension.
  { ...node, entryPoints: { "component-config-worker": "runtime/loader/component-config-worker.ts" }, outdir: "dist" },
  { ...node, entryPoints: { extension: "extension/main.ts" }, outdir: "dist", external: ["esbuild", "vscode"] },
  {
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    sourcemap: true,
    // Every panel's first paint parses this file: minified, it is half the size (255 KB, not 520 KB).
    minify: true,
    entryPoints: { webview: "webview/main.ts" },
    outdir: "dist",
    logLevel: "warning",
  },
];

mkdirSync("dist", { recursive: true });
// sql.js loads its wasm next to the bundle that uses it.
copyFileSync(require.resolve("sql.js/dist/sql-wasm.wasm"), "dist/sql-wasm.wasm");

/** The webview bundle is written inside a <script> element (extension/panels/webview-html.ts):
 *  a `<script` or `</script` in it would end the element early or keep it from ending. */
function checkInlinable(file) {
  const found = /<\/?script/i.exec(readFileSync(file, "utf8"));
  if (found) throw new Error(`${file} contains "${found[0]}" at ${found.index}: it cannot be inlined into the panels' page`);
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log("watching…");
} else {
  const started = Date.now();
  await Promise.all(builds.map((options) => esbuild.build(options)));
  checkInlinable("dist/webview.js");
  console.log(`built dist/ in ${Date.now() - started} ms`);
}

// Builds the bundles: the CLI, the user-code worker and the convex.config worker (Node), the
// extension (Node, `vscode` external) and the webview (browser). `--watch` rebuilds on change.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const watch = process.argv.includes("--watch");
const pkg = JSON.parse(readFileSync("package.json", "utf8"));

/**
 * V8 keeps a script's whole source as a string on the heap, one byte per character while it is
 * ASCII and two bytes per character otherwise (3.4 MiB for the CLI's 1.7 MB instead of 1.7 MiB, in
 * the host thread's live heap, which V8 lets the heap grow to a multiple of). esbuild already escapes
 * non-ASCII characters in code (its `ascii` charset) but keeps the ones in the comments it keeps, so
 * those are escaped here. A non-ASCII character outside a comment fails the build.
 */
const asciiSource = {
  name: "ascii-source",
  setup(build) {
    build.onEnd((result) => {
      for (const file of Object.keys(result.metafile?.outputs ?? {})) if (file.endsWith(".js")) escapeCommentText(file);
    });
  },
};

function escapeCommentText(file) {
  const text = readFileSync(file, "utf8");
  if (!/[\u0080-\uffff]/.test(text)) return;
  const lines = text.split("\n").map((line, index) => {
    const at = line.search(/[\u0080-\uffff]/);
    if (at === -1) return line;
    const before = line.slice(0, at);
    if (!before.includes("//") && !before.includes("/*") && !/^\s*\*/.test(before))
      throw new Error(`${file}:${index + 1}: a non-ASCII character outside a comment (esbuild's ascii charset should have escaped it)`);
    return line.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  });
  writeFileSync(file, lines.join("\n"));
}

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
  metafile: true,
  plugins: [asciiSource],
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

// Installs what the end-to-end suite needs, from the npm registry only, into the user cache folder
// (scripts/e2e-tools/cache.mjs: ~/.cache/convex-lens/e2e by default), once per machine and
// version: Node 24 (code-server needs it; the project runs on Node 20), code-server built for it,
// and a headless Chromium. Every later run and every other clone reuses them.
//
// Usage: node scripts/e2e-install.mjs   (scripts/e2e.mjs calls ensureE2eTools() itself)
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { e2eCacheDir } from "./e2e-tools/cache.mjs";
import { ensureChromium } from "./e2e-tools/chromium.mjs";
import { ensureCodeServer } from "./e2e-tools/code-server.mjs";
import { ensureNode24 } from "./e2e-tools/node24.mjs";

/** Makes sure the three tools are in the cache, installing what is missing (with progress). */
export async function ensureE2eTools(log = (line) => console.log(line)) {
  log(`e2e: tools in ${e2eCacheDir()} (set CONVEX_LENS_E2E_CACHE to use another folder)`);
  const node24 = await ensureNode24(log);
  const chromium = await ensureChromium(node24, log);
  const codeServer = await ensureCodeServer(node24, log);
  return { node24: node24.bin, codeServerEntry: codeServer.entry, codeServerVersion: codeServer.version, chromium };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureE2eTools().then(
    (tools) => console.log(`e2e tools ready: ${tools.node24}, code-server ${tools.codeServerVersion}, ${tools.chromium.version}`),
    (error) => {
      console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

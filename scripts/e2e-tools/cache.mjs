// The user cache folder that holds the end-to-end tools, one folder per tool and version, shared
// by every clone on the machine (as @vscode/test-electron shares its downloads). A tool is built
// in a `<name>.partial-<pid>` folder and renamed into place once complete, so a folder without
// `.partial-` is always whole, and two runs installing at once cannot mix their files.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const STAMP = "installed.json";

/** `$CONVEX_LENS_E2E_CACHE`, else `$XDG_CACHE_HOME/convex-lens/e2e`, else `~/.cache/convex-lens/e2e`. */
export function e2eCacheDir() {
  if (process.env.CONVEX_LENS_E2E_CACHE) return process.env.CONVEX_LENS_E2E_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "convex-lens", "e2e");
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Removes the half-built folders of `name` left by runs that were killed while installing. */
function removeAbandoned(cache, name) {
  for (const entry of readdirSync(cache)) {
    const match = entry.startsWith(`${name}.partial-`) ? /\.partial-(\d+)$/.exec(entry) : null;
    if (match && !isAlive(Number(match[1]))) rmSync(join(cache, entry), { recursive: true, force: true });
  }
}

/**
 * The folder `<cache>/<name>`, installed first when it is missing: `install(partialDir, finalDir)`
 * fills `partialDir` (files that must name their own location use `finalDir`).
 */
export async function cachedTool(name, install) {
  const cache = e2eCacheDir();
  const dir = join(cache, name);
  if (existsSync(join(dir, STAMP))) return { dir, installed: false };
  mkdirSync(cache, { recursive: true });
  removeAbandoned(cache, name);
  const partial = join(cache, `${name}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const started = Date.now();
  try {
    await install(partial, dir);
    writeFileSync(
      join(partial, STAMP),
      `${JSON.stringify({ name, installedAt: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000) })}\n`,
    );
    // A folder without its stamp is not one of ours any more (or was touched by hand): replace it.
    if (existsSync(dir) && !existsSync(join(dir, STAMP))) rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(partial, dir);
    } catch (error) {
      if (!existsSync(join(dir, STAMP))) throw error;
      rmSync(partial, { recursive: true, force: true }); // another run finished the same tool first
    }
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  return { dir, installed: true };
}

// Packages the extension as a .vsix with vsce. `npm run package` and the end-to-end suite both
// use this, so what is tested is what ships.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function runOrThrow(what, command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
  if (result.error || result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status}): ${result.error?.message ?? ""}\n${result.stdout ?? ""}${result.stderr ?? ""}`);
  }
  return result;
}

/**
 * Packages the .vsix with vsce, as `npm run package` does, but from a staging folder that holds
 * only what .vscodeignore can let through (top-level files, the folders its `!` lines name, and
 * node_modules as a link). vsce lists every file under its folder before it applies
 * .vscodeignore, and at the repository root that includes .e2e-cache/ (600 MB) and test/.tmp/:
 * half a minute instead of seconds. The .vsix is the same.
 */
export function packageVsix(runDir) {
  const stage = join(runDir, "vsix-stage");
  mkdirSync(stage, { recursive: true });
  const ignoreFile = readFileSync(join(REPO, ".vscodeignore"), "utf8");
  const allowedDirs = new Set(
    ignoreFile
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.startsWith("!"))
      .map((line) => line.slice(1).replace(/^\//, "").split("/")[0])
      .filter((name) => name && !/[*?[{]/.test(name)),
  );
  for (const entry of readdirSync(REPO, { withFileTypes: true })) {
    const from = join(REPO, entry.name);
    const to = join(stage, entry.name);
    if (entry.name === "node_modules") symlinkSync(realpathSync(from), to, "dir");
    else if (entry.isFile() && !entry.name.endsWith(".vsix")) cpSync(from, to);
    else if (entry.isDirectory() && allowedDirs.has(entry.name)) cpSync(from, to, { recursive: true });
  }
  const { version, name, publisher } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  const vsix = join(runDir, `${publisher}.${name}-${version}.vsix`);
  // --allow-missing-repository / --skip-license: vsce would otherwise ask (and there is no stdin).
  runOrThrow(
    "vsce package",
    process.execPath,
    [join(REPO, "node_modules", "@vscode", "vsce", "vsce"), "package", "--allow-missing-repository", "--skip-license", "--no-rewrite-relative-links", "--out", vsix],
    { cwd: stage },
  );
  rmSync(stage, { recursive: true, force: true });
  return vsix;
}


// `node scripts/package-vsix.mjs [outDir]`: writes the .vsix and prints its path and size.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? REPO);
  mkdirSync(outDir, { recursive: true });
  const vsix = packageVsix(outDir);
  console.log(`${vsix} (${(statSync(vsix).size / 1024 / 1024).toFixed(2)} MB)`);
}

// Packages the extension as a .vsix with vsce. `npm run package` and the end-to-end suite both
// use this, so what is tested is what ships.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];

export function runOrThrow(what, command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
  if (result.error || result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status}): ${result.error?.message ?? ""}\n${result.stdout ?? ""}${result.stderr ?? ""}`);
  }
  return result;
}

/** The paths of .vscodeignore's `!` lines: all that can go into the .vsix. */
function allowedPaths() {
  const ignoreFile = readFileSync(join(REPO, ".vscodeignore"), "utf8");
  return ignoreFile
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("!"))
    .map((line) => line.slice(1).replace(/^\//, ""));
}

/** The top-level folders that .vscodeignore lets into the .vsix (node_modules apart). */
function foldersThatShip() {
  const names = allowedPaths().map((path) => path.split("/")[0]);
  return new Set(names.filter((name) => name && name !== "node_modules" && !/[*?[{]/.test(name)));
}

/** The packages that .vscodeignore lets files of into the .vsix, as `node_modules/<name>`. */
function packagesThatShip() {
  const packages = allowedPaths()
    .map((path) => /^(node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1])
    .filter((path) => path !== undefined);
  return new Set(packages);
}

/**
 * Lays out in `stage/node_modules` exactly the production packages of package-lock.json (those
 * installed here: optional ones for other platforms are not). vsce runs `npm list --production`
 * and packs the folders it lists; on a copy of the repository's node_modules that fails as soon
 * as anything else is in there (a tool's node_modules/.cache, a package installed by hand).
 * A package that .vscodeignore lets ship is copied whole (without its own node_modules: nested
 * production packages are entries of their own); of the others, npm list reads only the
 * package.json, and nothing else of theirs could ship.
 */
function stageProductionPackages(stage) {
  const lock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8"));
  const shipping = packagesThatShip();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!path.startsWith("node_modules/") || entry.dev || entry.link) continue;
    const from = join(REPO, path);
    if (!existsSync(from)) {
      if (entry.optional) continue;
      throw new Error(`${path} (a production dependency in package-lock.json) is not installed: run \`npm ci\` first`);
    }
    if (shipping.has(path)) {
      const nested = join(from, "node_modules");
      cpSync(from, join(stage, path), { recursive: true, filter: (source) => source !== nested });
    } else {
      mkdirSync(join(stage, path), { recursive: true });
      cpSync(join(from, "package.json"), join(stage, path, "package.json"));
    }
  }
}

/** Copies what .vscodeignore can let through: the top-level files and the folders it names. */
function stageSources(stage) {
  const folders = foldersThatShip();
  for (const entry of readdirSync(REPO, { withFileTypes: true })) {
    const from = join(REPO, entry.name);
    if (entry.isFile() && !entry.name.endsWith(".vsix")) cpSync(from, join(stage, entry.name));
    else if (entry.isDirectory() && folders.has(entry.name)) cpSync(from, join(stage, entry.name), { recursive: true });
  }
}

/** Runs vsce in `cwd`; rejects with its output when it fails. `started` gets its process. */
function vsce(args, cwd, started) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(REPO, "node_modules", "@vscode", "vsce", "vsce"), ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    started(child);
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolvePromise() : reject(new Error(`vsce ${args[0]} failed (${code ?? signal}):\n${output.trim()}`)),
    );
  });
}

/**
 * Packages the .vsix into `outDir` and returns its path. vsce runs in a staging folder under the
 * OS temp folder that holds only what can ship (vsce walks every file of its folder before it
 * applies .vscodeignore, and the repository has test/.tmp/ and more). The staging folder is
 * removed whatever happens, also when the process is interrupted.
 */
export async function packageVsix(outDir) {
  const { version, name, publisher } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8"));
  const vsix = join(outDir, `${publisher}.${name}-${version}.vsix`);
  mkdirSync(outDir, { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), "convex-lens-vsix-"));
  const removeStage = () => rmSync(stage, { recursive: true, force: true });
  let child = null;
  const onSignal = (signal) => {
    child?.kill("SIGKILL");
    removeStage();
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal] ?? 0));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  try {
    stageSources(stage);
    stageProductionPackages(stage);
    // --allow-missing-repository / --skip-license: vsce would otherwise ask (and there is no stdin).
    await vsce(
      ["package", "--allow-missing-repository", "--skip-license", "--no-rewrite-relative-links", "--out", vsix],
      stage,
      (started) => {
        child = started;
      },
    );
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    removeStage();
  }
  return vsix;
}

// `node scripts/package-vsix.mjs [outDir]`: writes the .vsix (into the repository by default) and
// prints its path and size.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  packageVsix(resolve(process.argv[2] ?? REPO)).then(
    (vsix) => console.log(`${vsix} (${(statSync(vsix).size / 1024 / 1024).toFixed(2)} MB)`),
    (error) => {
      console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

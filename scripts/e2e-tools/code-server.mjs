// code-server (VS Code in the browser, with the Node extension host) from the npm registry, built
// for Node 24. Its own postinstall would also build `kerberos`, which needs the Kerberos headers
// (libkrb5-dev): VS Code loads that module only to answer a proxy's Negotiate challenge, which
// never happens in the suite's network namespace. So the install runs with --ignore-scripts and
// then does what the postinstall does, building every native module that code-server's own
// `allowScripts` allows, except `kerberos`.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cachedTool, e2eCacheDir } from "./cache.mjs";
import { npmEnv } from "./npm-env.mjs";
import { npmScriptInProgress, runLogged } from "./run-logged.mjs";

export const CODE_SERVER_VERSION = "4.139.1";
/** Install scripts never run, on top of those code-server's `allowScripts` denies. */
const SKIPPED_SCRIPTS = new Set(["kerberos"]);
const VERSION_FILE = "code-server-version.txt";

/**
 * The packages under `projectDir/node_modules` whose install scripts must run (native builds):
 * those npm marked `hasInstallScript`, less the ones the project's `allowScripts` denies, the
 * ones in `skip`, and `SKIPPED_SCRIPTS`.
 */
export function installScriptsToRun(projectDir, skip = []) {
  const lock = JSON.parse(readFileSync(join(projectDir, "node_modules", ".package-lock.json"), "utf8"));
  const allow = JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")).allowScripts ?? {};
  const names = new Set();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!entry.hasInstallScript) continue;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    if (allow[name] === false || allow[`${name}@${entry.version}`] === false) continue;
    if (SKIPPED_SCRIPTS.has(name) || skip.includes(name)) continue;
    names.add(name);
  }
  return [...names].sort();
}

/** `{ entry, version }`: code-server's entry script in the cache (run it with Node 24). */
export async function ensureCodeServer(node24, log) {
  const name = `code-server-${CODE_SERVER_VERSION}-node-${node24.version}`;
  const logFile = join(e2eCacheDir(), `${name}.install.log`);
  const entryIn = (dir) => join(dir, "node_modules", "code-server", "out", "node", "entry.js");
  const { dir, installed } = await cachedTool(name, async (partial) => {
    log(
      `e2e: code-server ${CODE_SERVER_VERSION} → ${join(e2eCacheDir(), name)} (one time: 4–10 minutes on 2 cores, most of it compiling native modules; log: ${logFile})`,
    );
    writeFileSync(logFile, "");
    writeFileSync(join(partial, "package.json"), `${JSON.stringify({ name: "convex-lens-e2e-code-server", private: true }, null, 2)}\n`);
    const env = npmEnv(node24.home);
    const at = (cwd) => ({ cwd, env, logFile, log, activity: npmScriptInProgress });
    const npmInstall = ["install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"];
    const rebuild = async (label, cwd, names) => {
      if (names.length > 0) await runLogged(`${label}: ${names.join(", ")}`, "npm", ["rebuild", "--foreground-scripts", ...names], at(cwd));
    };

    await runLogged(
      `download code-server@${CODE_SERVER_VERSION} and its dependencies`,
      "npm",
      [...npmInstall, `code-server@${CODE_SERVER_VERSION}`],
      at(partial),
    );
    await rebuild("build code-server's native modules", partial, installScriptsToRun(partial, ["code-server"]));
    // What code-server's postinstall.sh does, in lib/vscode and lib/vscode/extensions.
    const vscode = join(partial, "node_modules", "code-server", "lib", "vscode");
    await runLogged("download VS Code's dependencies", "npm", npmInstall, at(vscode));
    await rebuild("build VS Code's native modules (kerberos skipped)", vscode, installScriptsToRun(vscode));
    // (Its links bin/remote-cli/code-server and bin/helpers/browser.sh are in the tarball already,
    // as copies of the Linux scripts.)
    // The built-in extensions' dependencies; their own postinstall trims TypeScript.
    await runLogged(
      "download the built-in extensions' dependencies",
      "npm",
      ["install", "--omit=dev", "--no-audit", "--no-fund"],
      at(join(vscode, "extensions")),
    );

    const version = codeServerVersion(node24.bin, entryIn(partial), partial);
    if (!version.startsWith(`${CODE_SERVER_VERSION} `)) throw new Error(`code-server --version answers ${JSON.stringify(version)}`);
    writeFileSync(join(partial, VERSION_FILE), `${version}\n`);
  });
  const version = readFileSync(join(dir, VERSION_FILE), "utf8").trim();
  if (!installed) log(`e2e: code-server ${version}: cached in ${dir}`);
  return { entry: entryIn(dir), version };
}

/** The version line of `code-server --version`, e.g. "4.139.1 53c2f32… with Code 1.139.1". */
function codeServerVersion(nodeBin, entry, dir) {
  // --config and the XDG folders keep code-server from writing into ~/.config and ~/.local.
  const home = join(dir, "home");
  const result = spawnSync(nodeBin, [entry, "--config", join(home, "config.yaml"), "--version"], {
    encoding: "utf8",
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local", "share") },
  });
  // A first run also logs that it wrote its default config: the version is the line that starts with it.
  const line = (result.stdout ?? "").split("\n").find((l) => l.startsWith(`${CODE_SERVER_VERSION} `));
  return line ?? `${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}`.trim();
}

// `npm run test:e2e`: the end-to-end suite in a real VS Code (code-server) driven through a
// headless Chromium. Steps: check the machine, install Node 24, code-server and Chromium from the
// npm registry into the user cache folder on first use (scripts/e2e-install.mjs), build, package
// the .vsix exactly as it ships, then run test/e2e/vscode.e2e.ts inside fresh network + PID
// namespaces: only loopback exists there, and whatever the suite leaves running dies with the
// namespace.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureE2eTools } from "./e2e-install.mjs";
import { packageVsix, runOrThrow } from "./package-vsix.mjs";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SUITE = "test/e2e/vscode.e2e.ts";
const SUITE_TIMEOUT_MS = 9 * 60_000;
const started = Date.now();
const phases = [];
let last = started;
const phase = (label) => {
  const now = Date.now();
  phases.push(`  ${label.padEnd(44)} ${((now - last) / 1000).toFixed(1).padStart(6)} s`);
  last = now;
};

function which(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).stdout.trim() || null;
}

/** `unshare` arguments for a namespace with its own network (loopback only) and PID space. */
function namespaceArgs() {
  const own = ["--net", "--pid", "--fork", "--kill-child", "--mount-proc"];
  return process.getuid?.() === 0 ? own : ["--map-root-user", ...own];
}

/** What the machine must have beyond Node and npm: Linux x64, and util-linux's `unshare` and
 *  iproute2's `ip` (both in every Debian base system) with the right to make a namespace. */
function checkPrerequisites() {
  const problems = [];
  if (process.platform !== "linux" || process.arch !== "x64")
    problems.push(`this suite runs on Linux x64 only (this is ${process.platform}/${process.arch})`);
  if (!which("unshare")) problems.push("`unshare` (util-linux) is missing: it isolates the run from the network");
  if (!which("ip")) problems.push("`ip` (iproute2) is missing: it brings up loopback inside the isolated network");
  if (problems.length === 0) {
    const probe = spawnSync("unshare", [...namespaceArgs(), "--", "sh", "-c", "ip link set lo up"], { encoding: "utf8" });
    if (probe.status !== 0) {
      problems.push(
        `cannot create a network namespace with \`unshare ${namespaceArgs().join(" ")}\`: ${(probe.stderr || probe.error?.message || "").trim()}\n` +
          "    run as root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0)",
      );
    }
  }
  if (problems.length > 0)
    throw new Error(`the end-to-end suite cannot run on this machine:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

/** A fresh run folder inside the repository (test/.tmp is git-ignored), older runs removed. */
function freshRunFolders() {
  const tmp = join(REPO, "test", ".tmp");
  mkdirSync(tmp, { recursive: true });
  for (const name of readdirSync(tmp)) if (name.startsWith("e2e-run-")) rmSync(join(tmp, name), { recursive: true, force: true });
  const runDir = join(tmp, `e2e-run-${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}`);
  const screenshotsDir = join(tmp, "e2e-screens");
  rmSync(screenshotsDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  mkdirSync(screenshotsDir, { recursive: true });
  return { runDir, screenshotsDir };
}

async function runSuite(env) {
  const inner = [process.execPath, "--import", "tsx", "--test-reporter=spec", SUITE];
  const args = [...namespaceArgs(), "--", "sh", "-c", 'ip link set lo up && exec "$@"', "e2e-netns", ...inner];
  const child = spawn("unshare", args, { cwd: REPO, stdio: "inherit", env: { ...process.env, ...env } });
  // Interrupted: end the namespace's first process; the kernel then ends every process in it.
  const forward = () => child.kill("SIGKILL");
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const timer = setTimeout(() => {
    console.error(`e2e: the suite ran over ${SUITE_TIMEOUT_MS / 60_000} minutes: stopping it (its namespace and every process in it).`);
    child.kill("SIGKILL");
  }, SUITE_TIMEOUT_MS);
  const code = await new Promise((resolve) => child.once("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0))));
  clearTimeout(timer);
  process.off("SIGINT", forward);
  process.off("SIGTERM", forward);
  return code;
}

async function main() {
  checkPrerequisites();
  phase("check prerequisites");
  const tools = await ensureE2eTools((line) => console.log(line));
  phase("tools (Node 24, code-server, Chromium)");
  runOrThrow("node scripts/build.mjs", process.execPath, ["scripts/build.mjs"]);
  phase("build dist/");
  const { runDir, screenshotsDir } = freshRunFolders();
  const vsix = await packageVsix(runDir);
  phase("package the .vsix (vsce)");
  console.log(
    `e2e: code-server ${tools.codeServerVersion}; ${tools.chromium.version} at ${tools.chromium.executable}; ${vsix.slice(REPO.length + 1)}`,
  );
  const code = await runSuite({
    E2E_NODE24: tools.node24,
    E2E_CODE_SERVER_ENTRY: tools.codeServerEntry,
    E2E_VSIX: vsix,
    E2E_CHROMIUM: tools.chromium.executable,
    E2E_CHROMIUM_ENV: JSON.stringify(tools.chromium.env),
    E2E_RUN_DIR: runDir,
    E2E_SCREENSHOTS_DIR: screenshotsDir,
  });
  phase("suite (isolated network, code-server, Chromium)");
  console.log(`e2e phases:\n${phases.join("\n")}\n  ${"total".padEnd(44)} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

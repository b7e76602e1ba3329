// The end-to-end harness: one code-server (VS Code 1.139 in the browser, Node extension host)
// with the packaged extension on a fresh copy of examples/chat, the browser that drives it, and
// helpers to observe them.
// scripts/e2e.mjs prepares the tools and the .vsix and runs the suite inside a network namespace
// with only loopback; this file only uses what it is handed through E2E_* variables.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium, type Browser } from "playwright-core";

export const REPO = resolve(__dirname, "..", "..");

export interface E2eEnvironment {
  node24: string;
  codeServerEntry: string;
  vsix: string;
  chromium: string;
  /** Variables the browser needs in its environment (its own libraries, maybe its fonts). */
  chromiumEnv: Record<string, string>;
  runDir: string;
  screenshotsDir: string;
}

/** What scripts/e2e.mjs hands over; running this suite by hand without it is an error. */
export function e2eEnvironment(): E2eEnvironment {
  const get = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run the end-to-end suite with \`npm run test:e2e\` (scripts/e2e.mjs).`);
    return value;
  };
  return {
    node24: get("E2E_NODE24"),
    codeServerEntry: get("E2E_CODE_SERVER_ENTRY"),
    vsix: get("E2E_VSIX"),
    chromium: get("E2E_CHROMIUM"),
    chromiumEnv: JSON.parse(get("E2E_CHROMIUM_ENV")) as Record<string, string>,
    runDir: get("E2E_RUN_DIR"),
    screenshotsDir: get("E2E_SCREENSHOTS_DIR"),
  };
}

/** Wall-clock marks printed at the end of the run. */
export class Timings {
  readonly #start = Date.now();
  #last = this.#start;
  readonly #marks: string[] = [];

  mark(label: string): void {
    const now = Date.now();
    this.#marks.push(
      `${label.padEnd(58)} ${((now - this.#last) / 1000).toFixed(1).padStart(6)} s   (at ${((now - this.#start) / 1000).toFixed(1)} s)`,
    );
    this.#last = now;
  }

  report(): string {
    return ["e2e timings:", ...this.#marks.map((m) => `  ${m}`)].join("\n");
  }
}

/** Copies examples/chat (without its runtime data, Vite's cache or a build of its page) into
 *  `<folder>/chat`, a folder of the run folder. The run folder is inside the repository, so the
 *  project's imports (`convex`, `react`, `vite`) resolve to the repository's node_modules. */
export function prepareWorkspace(folder: string): string {
  const source = join(REPO, "examples", "chat");
  const workspace = join(folder, "chat");
  cpSync(source, workspace, {
    recursive: true,
    filter: (path) =>
      !path
        .slice(source.length)
        .split(/[\\/]/)
        .some((part) => [".convex-lens", "node_modules", "dist"].includes(part)),
  });
  return realpathSync(workspace);
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Every live descendant of `pid`, read from /proc (children before their own children). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so parse after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); it is gone for our purposes.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Stops a process and everything it started: the descendants are collected before the first
 *  signal (once the root exits they are re-parented and cannot be found from it any more). */
export async function stopProcessTree(pid: number, graceMs = 5000): Promise<void> {
  const tree = [pid, ...descendants(pid)];
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && tree.some(alive)) await sleep(100);
  for (const leftover of tree.filter(alive)) {
    for (const child of descendants(leftover)) if (!tree.includes(child)) tree.push(child);
  }
  const stubborn = tree.filter(alive);
  if (stubborn.length > 0) {
    const names = stubborn.map((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").slice(0, 3).join(" ").slice(0, 120);
      } catch {
        return String(p);
      }
    });
    console.log(`e2e: ${stubborn.length} process(es) still running ${graceMs / 1000} s after SIGTERM, killing: ${names.join(" | ")}`);
  }
  for (const leftover of stubborn) {
    try {
      process.kill(leftover, "SIGKILL");
    } catch {
      // raced with its exit
    }
  }
}

/** Launches the headless Chromium that scripts/e2e.mjs installed (never a system browser). */
export async function launchBrowser(env: E2eEnvironment): Promise<Browser> {
  return chromium.launch({
    executablePath: env.chromium,
    headless: true,
    env: { ...process.env, ...env.chromiumEnv },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // Belt and braces on top of the network namespace: only loopback resolves.
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ],
  });
}

export interface CodeServer {
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

const USER_SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  "chat.disableAIFeatures": true,
  "window.commandCenter": false,
  // Deterministic editor: nothing pops up over the CodeLens line or steals keystrokes.
  "editor.minimap.enabled": false,
  "editor.hover.enabled": false,
  "editor.quickSuggestions": { other: false, comments: false, strings: false },
  "editor.suggestOnTriggerCharacters": false,
  "editor.parameterHints.enabled": false,
  "editor.autoClosingBrackets": "never",
  "files.autoSave": "off",
  // TypeScript's own checker would report the syntax error of the build-failure step itself:
  // every diagnostic on http.ts in this run must come from Convex Lens.
  "typescript.validate.enable": false,
  "javascript.validate.enable": false,
};

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Settings and flags of an instance that opens its workspace in Restricted Mode: trust is on, and
 *  VS Code does not ask about it at startup (the answer would be a modal dialog). */
const UNTRUSTED_SETTINGS = {
  "security.workspace.trust.enabled": true,
  "security.workspace.trust.startupPrompt": "never",
  "security.workspace.trust.banner": "never",
};

/** Installs the .vsix into a fresh extensions folder and starts code-server on `workspace`, with
 *  a fresh user-data folder, no gallery, and `CONVEX_LENS_E2E_DIR` for the extension's markers.
 *  Its folders go in `folder` (the run folder by default). Workspace trust is off (every workspace
 *  is trusted) unless `untrusted`: then the workspace opens in Restricted Mode. */
export async function startCodeServer(
  env: E2eEnvironment,
  options: { workspace: string; markersDir: string; timings: Timings; folder?: string; untrusted?: boolean },
): Promise<CodeServer> {
  const folder = options.folder ?? env.runDir;
  const dirs = {
    userData: join(folder, "user-data"),
    extensions: join(folder, "extensions"),
    home: join(folder, "home"),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.userData, "User"), { recursive: true });
  const settings = options.untrusted ? { ...USER_SETTINGS, ...UNTRUSTED_SETTINGS } : USER_SETTINGS;
  writeFileSync(join(dirs.userData, "User", "settings.json"), JSON.stringify(settings, null, 2));
  const config = join(folder, "code-server.yaml");
  writeFileSync(config, "auth: none\ncert: false\n");
  const processEnv: NodeJS.ProcessEnv = {
    ...process.env,
    // code-server writes its config and logs under these; keep them in the run folder.
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, ".config"),
    XDG_DATA_HOME: join(dirs.home, ".local", "share"),
    XDG_CACHE_HOME: join(dirs.home, ".cache"),
    EXTENSIONS_GALLERY: "{}",
    CONVEX_LENS_E2E_DIR: options.markersDir,
    PATH: `${join(env.node24, "..")}:${process.env.PATH ?? ""}`,
  };
  for (const key of Object.keys(processEnv)) if (/^npm_|^E2E_|^NODE_OPTIONS$/i.test(key)) delete processEnv[key];
  const common = ["--config", config, "--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions];

  const install = spawnSync(env.node24, [env.codeServerEntry, ...common, "--install-extension", env.vsix, "--force"], {
    env: processEnv,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (install.status !== 0 || !readdirSync(dirs.extensions).some((name) => name.startsWith("convex-lens.convex-lens-"))) {
    throw new Error(`code-server --install-extension ${env.vsix} failed (exit ${install.status}):\n${install.stdout}${install.stderr}`);
  }
  options.timings.mark("install the .vsix into code-server");

  const port = await freePort();
  const logFile = join(folder, "code-server.log");
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(
    env.node24,
    [
      env.codeServerEntry,
      ...common,
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--auth",
      "none",
      "--disable-telemetry",
      "--disable-update-check",
      ...(options.untrusted ? [] : ["--disable-workspace-trust"]),
      "--disable-getting-started-override",
      "--ignore-last-opened",
      options.workspace,
    ],
    { env: processEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: string | null = null;
  child.once("exit", (code, signal) => (exited = `code-server exited (code ${code}, signal ${signal})`));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${exited} before it answered /healthz. Log ${logFile}:\n${tail(logFile)}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer ${url}/healthz within 60 s. Log ${logFile}:\n${tail(logFile)}`);
    await sleep(200);
  }
  options.timings.mark("start code-server (until /healthz answers)");
  const pid = child.pid!;
  return {
    url,
    pid,
    logFile,
    async stop() {
      if (!exited) await stopProcessTree(pid);
      log.end();
    },
  };
}

/** Polls `<dir>/<name>.json` until `accept` returns true for its content. On timeout the error
 *  says what was expected and what the file held last. */
export async function waitForMarker<T = Record<string, unknown>>(
  dir: string,
  name: string,
  expectation: string,
  accept: (data: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const file = join(dir, `${name}.json`);
  const deadline = Date.now() + timeoutMs;
  let last = "(never written)";
  for (;;) {
    if (existsSync(file)) {
      try {
        const text = readFileSync(file, "utf8");
        last = text;
        const data = JSON.parse(text) as T;
        if (accept(data)) return data;
      } catch {
        // replaced between read and parse: read again
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `expected the extension to write ${name}.json with ${expectation} (CONVEX_LENS_E2E_DIR) within ${timeoutMs / 1000} s; last content: ${last}`,
      );
    }
    await sleep(150);
  }
}

export function readMarker<T = Record<string, unknown>>(dir: string, name: string): T | null {
  try {
    return JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as T;
  } catch {
    return null;
  }
}

export interface DevServer {
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

/** Runs Vite's dev server on the example's page, as `VITE_CONVEX_URL=<convexUrl> npm run dev`
 *  does (the repository's `vite`, so offline), on 127.0.0.1 and a free port; resolves once it
 *  serves the page. */
export async function startViteDevServer(projectDir: string, options: { convexUrl: string; logFile: string }): Promise<DevServer> {
  const port = await freePort();
  const log = createWriteStream(options.logFile);
  const env: NodeJS.ProcessEnv = { ...process.env, VITE_CONVEX_URL: options.convexUrl, NO_COLOR: "1" };
  for (const key of Object.keys(env)) if (/^E2E_|^NODE_OPTIONS$/i.test(key)) delete env[key];
  const child = spawn(
    process.execPath,
    [join(REPO, "node_modules", "vite", "bin", "vite.js"), "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
    { cwd: projectDir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: string | null = null;
  child.once("exit", (code, signal) => (exited = `vite exited (code ${code}, signal ${signal})`));
  const stop = async () => {
    if (!exited) await stopProcessTree(child.pid!);
    log.end();
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      log.end();
      throw new Error(`${exited} before it served ${url}/. Log ${options.logFile}:\n${tail(options.logFile)}`);
    }
    const response = await fetch(`${url}/`).catch(() => null);
    if (response?.ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`vite did not serve ${url}/ within 60 s. Log ${options.logFile}:\n${tail(options.logFile)}`);
    }
    await sleep(200);
  }
  return { url, logFile: options.logFile, stop };
}

// A real VS Code for the benchmarks: the end-to-end suite's tools (Node 24, code-server, the npm
// Chromium), the packaged .vsix, and one fresh code-server session per run on a fresh copy of
// examples/chat, driven through test/e2e/harness.ts exactly as the suite drives it.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  launchBrowser,
  prepareWorkspace,
  startCodeServer,
  Timings,
  waitForMarker,
  type CodeServer,
  type E2eEnvironment,
} from "../../test/e2e/harness";
import { REPO } from "./processes";

interface E2eTools {
  node24: string;
  codeServerEntry: string;
  chromium: { executable: string; env: Record<string, string> };
}

/** Installs the tools on first use (scripts/e2e-install.mjs, cached per user) and packages the
 *  .vsix as it ships (scripts/package-vsix.mjs) into `runDir`. dist/ must be built. */
export async function prepareVscode(runDir: string, log: (text: string) => void): Promise<E2eEnvironment> {
  const script = (name: string) => pathToFileURL(join(REPO, "scripts", name)).href;
  const { ensureE2eTools } = (await import(script("e2e-install.mjs"))) as {
    ensureE2eTools(log: (line: string) => void): Promise<E2eTools>;
  };
  const { packageVsix } = (await import(script("package-vsix.mjs"))) as { packageVsix(outDir: string): Promise<string> };
  const tools = await ensureE2eTools(log);
  mkdirSync(runDir, { recursive: true });
  const vsix = await packageVsix(runDir);
  return {
    node24: tools.node24,
    codeServerEntry: tools.codeServerEntry,
    vsix,
    chromium: tools.chromium.executable,
    chromiumEnv: tools.chromium.env,
    runDir,
    screenshotsDir: join(runDir, "screens"),
  };
}

/** Page-side clocks: when the user pressed Control+S and pressed the mouse on a CodeLens, in
 *  Date.now() (the extension host's markers use the same clock: one machine). */
declare global {
  interface Window {
    __benchSaveAt?: number;
    __benchLensClickAt?: number;
  }
}

function installInputClocks(): void {
  if (window.top !== window) return;
  addEventListener(
    "keydown",
    (event) => {
      if (event.ctrlKey && event.key.toLowerCase() === "s") window.__benchSaveAt = Date.now();
    },
    true,
  );
  addEventListener(
    "mousedown",
    (event) => {
      if (event.target instanceof Element && event.target.closest(".codelens-decoration")) window.__benchLensClickAt = Date.now();
    },
    true,
  );
}

export interface VscodeSession {
  workspace: string;
  markers: string;
  page: Page;
  /** Extension activation → runtime serving, from the extension's own markers. */
  activationToServingMs: number;
  /** Page load (goto) → extension activated, for the details. */
  gotoToActivationMs: number;
  siteUrl: string;
  close(): Promise<void>;
}

interface Marker {
  at: number;
  state?: string;
  siteUrl?: string | null;
}

/** A fresh code-server on a fresh copy of examples/chat under `folder`, its workbench open in a
 *  new browser context, once the runtime serves. */
export async function openSession(env: E2eEnvironment, browser: Browser, folder: string): Promise<VscodeSession> {
  mkdirSync(folder, { recursive: true });
  const workspace = prepareWorkspace(folder);
  const markers = join(folder, "markers");
  mkdirSync(markers, { recursive: true });
  let codeServer: CodeServer | undefined;
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close().catch(() => {});
    await codeServer?.stop();
  };
  try {
    codeServer = await startCodeServer(env, { workspace, markersDir: markers, timings: new Timings(), folder });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(installInputClocks);
    const page = await context.newPage();
    const gotoAt = Date.now();
    await page.goto(`${codeServer.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: "domcontentloaded" });
    const activated = await waitForMarker<Marker>(markers, "activated", "an activation", () => true, 120_000);
    const ready = await waitForMarker<Marker>(markers, "runtime", 'state "ready"', (m) => m.state === "ready", 120_000);
    return {
      workspace,
      markers,
      page,
      activationToServingMs: ready.at - activated.at,
      gotoToActivationMs: activated.at - gotoAt,
      siteUrl: ready.siteUrl!,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export { launchBrowser };

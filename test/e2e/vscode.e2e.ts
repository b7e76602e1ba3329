// End-to-end: the packaged extension in a real VS Code (code-server 4.139.1 = VS Code 1.139.1),
// driven through Debian's Chromium by playwright-core, on a fresh copy of examples/chat.
// Run with `npm run test:e2e` (scripts/e2e.mjs): it installs the tools, packages the .vsix and
// runs this file inside a network namespace that has only loopback.
//
// What the extension must show (its UI contract) is spelled out in the selectors and markers
// below; a step whose feature is missing fails and says what it expected.
import { after, before, describe, it } from "node:test";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from "playwright-core";
import { e2eEnvironment, prepareWorkspace, readMarker, startCodeServer, Timings, waitForMarker, type CodeServer, type E2eEnvironment } from "./harness";

// examples/chat/convex/http.ts declares these 7 routes (the pathPrefix one is checked by prefix,
// so that the extension may spell it `/messages/` or `/messages/*`).
const EXACT_ROUTES = ["POST /postMessage", "GET /getMessagesByAuthor", "POST /sendImage", "OPTIONS /sendImage", "GET /getImage", "GET /me"];
const PREFIX_ROUTE = "GET /messages/";
const ROUTE_COUNT = 7;
const GET_ROUTE_COUNT = 4;

interface RuntimeMarker {
  state: string;
  siteUrl: string | null;
  routes: string[];
}

const hasAllRoutes = (routes: unknown): boolean =>
  Array.isArray(routes) &&
  routes.length === ROUTE_COUNT &&
  EXACT_ROUTES.every((route) => routes.includes(route)) &&
  routes.some((route) => typeof route === "string" && route.startsWith(PREFIX_ROUTE));

/** Retries `check` until it returns true; on timeout fails with `expected` and the last detail. */
async function eventually(expected: string, check: () => Promise<boolean | string>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let detail = "";
  for (;;) {
    try {
      const result = await check();
      if (result === true) return;
      if (typeof result === "string") detail = result;
    } catch (error) {
      detail = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    }
    if (Date.now() > deadline) throw new Error(`expected ${expected} within ${timeoutMs / 1000} s${detail ? `; last seen: ${detail}` : ""}`);
    await sleep(200);
  }
}

describe("Convex Lens in VS Code (code-server + Chromium)", () => {
  const timings = new Timings();
  let env: E2eEnvironment;
  let workspace: string;
  let markers: string;
  let codeServer: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let consoleLog: WriteStream | undefined;
  let httpSource = "";
  // Steps that later steps need; a later step fails at once, naming the missing one, instead of
  // waiting out its own timeouts.
  const reached = { workbench: false, activated: false, ready: false, routesView: false, editor: false };
  let siteUrl = "";

  const need = (...steps: Array<keyof typeof reached>): void => {
    const missing = steps.filter((step) => !reached[step]);
    if (missing.length > 0) throw new Error(`not checked: an earlier step failed (${missing.join(", ")})`);
  };

  const screenshot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(env.screenshotsDir, `${name}.png`) });
  };

  /** Runs a step; on failure saves a screenshot `failed-<name>.png` next to the others. */
  const step = (name: string, body: () => Promise<void>, timeout = 90_000) =>
    it(name, { timeout }, async () => {
      try {
        await body();
        timings.mark(name);
      } catch (error) {
        timings.mark(`${name} (FAILED)`);
        const file = `failed-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase().slice(0, 60)}`;
        await screenshot(file).catch(() => {});
        throw error;
      }
    });

  const sidebarRows = (): Locator => page.locator(".part.sidebar .monaco-list-row");
  const lenses = (title: string): Locator => page.locator(".editor-group-container.active .monaco-editor .codelens-decoration a", { hasText: title });

  /** Focuses the editor of a workspace file: a click on its tab when it is open (keys pressed
   *  while a webview has the focus go to the webview), else Quick Open (Control+P). */
  const openFile = async (relativePath: string, expectedText: string): Promise<void> => {
    const name = relativePath.split("/").pop()!;
    const tab = page.locator(".tabs-container .tab", { hasText: name });
    if ((await tab.count()) > 0) {
      await tab.first().click();
    } else {
      await page.keyboard.press("Control+P");
      const input = page.locator(".quick-input-widget .quick-input-box input");
      await input.waitFor({ state: "visible", timeout: 15_000 });
      await input.fill(relativePath);
      await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor({ state: "visible", timeout: 15_000 });
      await page.keyboard.press("Enter");
    }
    const group = page.locator(".editor-group-container.active");
    await group.locator(".tab.active", { hasText: name }).waitFor({ state: "visible", timeout: 15_000 });
    await group.locator(".monaco-editor .view-lines", { hasText: expectedText }).waitFor({ state: "visible", timeout: 15_000 });
    await eventually(`the editor of ${name} to have the keyboard focus`, async () => page.evaluate(() => document.activeElement?.closest(".monaco-editor") != null), 10_000);
  };

  /** The inner document of the webview that has `selector` (webviews are two nested iframes). */
  const webviewWith = async (selector: string, timeoutMs = 30_000): Promise<FrameLocator> => {
    let found: FrameLocator | undefined;
    await eventually(`a webview (iframe.webview.ready > iframe#active-frame) containing ${selector}`, async () => {
      const outer = page.locator("iframe.webview.ready");
      const count = await outer.count();
      for (let i = 0; i < count; i++) {
        const inner = page.frameLocator("iframe.webview.ready").nth(i).frameLocator("iframe#active-frame");
        if ((await inner.locator(selector).count()) > 0) {
          found = inner;
          return true;
        }
      }
      return `${count} webview iframe(s), none with ${selector}`;
    }, timeoutMs);
    return found!;
  };

  before(async () => {
    env = e2eEnvironment();
    mkdirSync(env.screenshotsDir, { recursive: true });
    workspace = prepareWorkspace(env.runDir);
    httpSource = readFileSync(join(workspace, "convex", "http.ts"), "utf8");
    markers = join(env.runDir, "markers");
    mkdirSync(markers, { recursive: true });
    timings.mark("copy examples/chat into the run folder");
    codeServer = await startCodeServer(env, { workspace, markersDir: markers, timings });
    browser = await chromium.launch({
      executablePath: env.chromium,
      headless: true,
      args: [
        "--headless",
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
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: codeServer.url });
    page = await context.newPage();
    consoleLog = createWriteStream(join(env.runDir, "browser-console.log"));
    page.on("console", (message) => consoleLog?.write(`[${message.type()}] ${message.text()}\n`));
    page.on("pageerror", (error) => consoleLog?.write(`[pageerror] ${error.message}\n`));
    timings.mark("launch Chromium");
    await page.goto(`${codeServer.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: "domcontentloaded" });
  });

  after(async () => {
    // Everything this suite started stops here: Chromium, then code-server and its whole tree
    // (extension host, the runtime's workers, file watchers, pty host).
    await browser?.close().catch(() => {});
    await codeServer?.stop();
    consoleLog?.end();
    timings.mark("stop Chromium and code-server");
    console.log(timings.report());
    console.log(`e2e screenshots: ${env?.screenshotsDir}`);
    console.log(`e2e run folder (code-server.log, browser-console.log, markers/): ${env?.runDir}`);
  });

  step("the workbench loads", async () => {
    await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: 60_000 });
    await page.locator(".part.statusbar").waitFor({ state: "visible", timeout: 60_000 });
    reached.workbench = true;
  });

  step("the extension activates on the Convex project (activated.json)", async () => {
    need("workbench");
    await waitForMarker<{ projectDir?: string }>(markers, "activated", `{"projectDir": "${workspace}"}`, (data) => data.projectDir === workspace, 60_000);
    reached.activated = true;
    await screenshot("01-workbench");
  });

  step("the runtime serves the example's 7 routes (runtime.json, then HTTP)", async () => {
    need("activated");
    const runtime = await waitForMarker<RuntimeMarker>(
      markers,
      "runtime",
      `state "ready", a siteUrl, and the ${ROUTE_COUNT} routes ${[...EXACT_ROUTES, `${PREFIX_ROUTE}…`].join(", ")}`,
      (data) => data.state === "ready" && typeof data.siteUrl === "string" && hasAllRoutes(data.routes),
      60_000,
    );
    siteUrl = runtime.siteUrl!;
    // The site origin answers like Convex: an unknown path is a plain-text 404, and a real route
    // runs the project's handler (which asks for ?author=).
    const unknown = await fetch(`${siteUrl}/nowhere`);
    assertEqual(`${unknown.status} ${await unknown.text()}`, "404 No matching routes found", `GET ${siteUrl}/nowhere`);
    const byAuthor = await fetch(`${siteUrl}/getMessagesByAuthor`);
    assertEqual(`${byAuthor.status} ${await byAuthor.text()}`, "400 Add ?author=<name> to the URL", `GET ${siteUrl}/getMessagesByAuthor`);
    reached.ready = true;
  });

  step("the Convex Lens view container shows the Routes tree", async () => {
    need("activated");
    const container = page.locator('.part.activitybar .action-item a[aria-label^="Convex Lens"]');
    await container.waitFor({ state: "visible", timeout: 30_000 }).catch(() => {
      throw new Error('expected an activity-bar item whose aria-label starts with "Convex Lens" (viewsContainers.activitybar title "Convex Lens")');
    });
    await container.click();
    // Routes are grouped under path rows (/postMessage, /sendImage, …), each route row is `METHOD /path`.
    await sidebarRows().filter({ hasText: "POST /postMessage" }).first().waitFor({ state: "visible", timeout: 30_000 }).catch(() => {
      throw new Error('expected a row "POST /postMessage" in the Routes view (convexLens.routes)');
    });
    await eventually(`rows for ${[...EXACT_ROUTES, `${PREFIX_ROUTE}…`].join(", ")} and path rows /postMessage, /sendImage`, async () => {
      const texts = (await sidebarRows().allTextContents()).map((text) => text.trim());
      const routeRows = [...EXACT_ROUTES, PREFIX_ROUTE].every((key) => texts.some((text) => text.startsWith(key)));
      const pathRows = ["/postMessage", "/sendImage"].every((path) => texts.includes(path));
      return (routeRows && pathRows) || texts.join(" | ");
    }, 10_000);
    reached.routesView = true;
    await screenshot("02-routes-view");
  });

  step("CodeLens above each http.route(: Send request, Copy as cURL, Open in browser (GET)", async () => {
    need("activated");
    await openFile("convex/http.ts", "http.route");
    reached.editor = true;
    // Monaco renders only what is in the viewport: make the page tall enough for the whole file.
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: viewport.width, height: 3200 });
    try {
      const routeCalls = httpSource.split("http.route(").length - 1;
      assertEqual(routeCalls, ROUTE_COUNT, "http.route( calls in examples/chat/convex/http.ts");
      for (const [title, count] of [["Send request", ROUTE_COUNT], ["Copy as cURL", ROUTE_COUNT], ["Open in browser", GET_ROUTE_COUNT]] as const) {
        await eventually(`${count} "${title}" CodeLens in convex/http.ts`, async () => {
          const found = await lenses(title).count();
          return found === count || `${found}`;
        }, 30_000);
      }
    } finally {
      await page.setViewportSize(viewport);
    }
    await page.keyboard.press("Control+Home");
    await screenshot("03-codelens");
  });

  /** The CodeLens `title` of the route whose `path: "<path>"` line is in convex/http.ts: the
   *  nearest lens above that line (lenses sit on their own line above `http.route({`). */
  const routeLens = async (title: string, path: string): Promise<Locator> => {
    await openFile("convex/http.ts", "http.route");
    await page.keyboard.press("Control+Home");
    const line = page.locator(".editor-group-container.active .monaco-editor .view-line", { hasText: `path: "${path}"` }).first();
    let chosen = -1;
    await eventually(`a "${title}" CodeLens just above the route with path "${path}"`, async () => {
      const lineBox = await line.boundingBox();
      if (!lineBox) return `no visible line with path: "${path}"`;
      const all = lenses(title);
      const count = await all.count();
      let bestY = -Infinity;
      chosen = -1;
      for (let i = 0; i < count; i++) {
        const box = await all.nth(i).boundingBox();
        // Above the line, and no more than a few lines above it.
        if (box && box.height > 0 && box.y < lineBox.y && lineBox.y - box.y < 6 * lineBox.height && box.y > bestY) {
          bestY = box.y;
          chosen = i;
        }
      }
      return chosen >= 0 || `${count} "${title}" lenses, none just above line y=${lineBox.y}`;
    }, 30_000);
    return lenses(title).nth(chosen);
  };

  step("Copy as cURL on POST /postMessage puts a curl line on the clipboard", async () => {
    need("editor", "ready");
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await (await routeLens("Copy as cURL", "/postMessage")).click();
    await eventually(`the clipboard to hold a curl line for ${siteUrl}/postMessage`, async () => {
      const text = await page.evaluate(() => navigator.clipboard.readText());
      return (text.includes("curl") && text.includes(`${siteUrl}/postMessage`)) || JSON.stringify(text);
    }, 15_000);
  });

  step("Send request on POST /postMessage shows 200 OK and the handler's log", async () => {
    need("editor", "ready");
    await (await routeLens("Send request", "/postMessage")).click();
    await page.locator(".tab", { hasText: "Response: POST /postMessage" }).first().waitFor({ state: "visible", timeout: 30_000 }).catch(() => {
      throw new Error('expected a webview panel titled "Response: POST /postMessage"');
    });
    // The body template comes from the handler's `const { author, body } = await request.json()`:
    // {"author": "", "body": ""}. The handler answers 400 unless both are strings, so 200 proves it.
    const marker = await waitForMarker<{ status?: number; method?: string; path?: string; requestId?: string }>(
      markers,
      "last-response",
      '{"status": 200, "method": "POST", "path": "…/postMessage", "requestId": …}',
      (data) => data.method === "POST" && typeof data.path === "string" && data.path.endsWith("/postMessage") && data.status !== undefined,
      30_000,
    );
    assertEqual(marker.status, 200, "last-response.json status of POST /postMessage with the template body");
    const response = await webviewWith("#status");
    await eventually('#status with text "200 OK" in the response panel', async () => {
      const text = ((await response.locator("#status").first().textContent()) ?? "").trim();
      return text.includes("200 OK") || JSON.stringify(text);
    });
    await eventually(`#logs containing 'stored message' (the handler's console.log)`, async () => {
      const text = (await response.locator("#logs").first().textContent()) ?? "";
      return text.includes("'stored message'") || JSON.stringify(text.slice(0, 300));
    });
    await screenshot("04-response");
  });

  step("a syntax error shows as a diagnostic and 'Build failed'; fixing it brings the routes back", async () => {
    need("editor", "ready");
    const file = join(workspace, "convex", "http.ts");
    // Break it in the editor and save, as a user would.
    await openFile("convex/http.ts", "http.route");
    await page.keyboard.press("Control+End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("const x = ;");
    await page.keyboard.press("Control+S");
    await eventually("the editor to save `const x = ;` into convex/http.ts", async () => readFileSync(file, "utf8").includes("const x = ;"), 15_000);
    await waitForMarker<RuntimeMarker>(markers, "runtime", 'state "build-failed" (the runtime should rebuild when a file of convex/ is saved)', (data) => data.state === "build-failed", 30_000);

    // The diagnostic, in the Problems view on http.ts (TypeScript's own validation is off in this
    // run, so it comes from Convex Lens).
    await page.keyboard.press("Control+Shift+M");
    const problems = page.locator(".markers-panel .monaco-list-row");
    await problems.filter({ hasText: "http.ts" }).first().waitFor({ state: "visible", timeout: 30_000 }).catch(() => {
      throw new Error("expected a problem on convex/http.ts in the Problems view");
    });
    // A click on the problem (the row under the file's row) reveals its line: the squiggle shows.
    await problems.nth(1).click();
    await eventually("an error squiggle in the editor of convex/http.ts", async () => (await page.locator(".editor-group-container.active .monaco-editor .squiggly-error").count()) > 0, 15_000);
    if (reached.routesView) {
      await sidebarRows().filter({ hasText: /^\s*Build failed/ }).first().waitFor({ state: "visible", timeout: 30_000 }).catch(async () => {
        throw new Error(`expected a row starting with "Build failed" in the Routes view; rows: ${(await sidebarRows().allTextContents()).join(" | ")}`);
      });
    }
    await screenshot("05-build-failed");

    // Fix it from outside the editor (the file is saved, so the editor reloads it).
    writeFileSync(file, httpSource);
    await waitForMarker<RuntimeMarker>(markers, "runtime", `state "ready" with the ${ROUTE_COUNT} routes again`, (data) => data.state === "ready" && hasAllRoutes(data.routes), 30_000);
    await eventually("the problem on convex/http.ts to clear", async () => (await problems.filter({ hasText: "http.ts" }).count()) === 0, 30_000);
    if (reached.routesView) {
      await eventually('the Routes view without "Build failed" and with POST /postMessage', async () => {
        const texts = (await sidebarRows().allTextContents()).map((t) => t.trim());
        return (!texts.some((t) => t.startsWith("Build failed")) && texts.some((t) => t.startsWith("POST /postMessage"))) || texts.join(" | ");
      }, 30_000);
    } else {
      throw new Error("the Routes view was not checked (its step failed)");
    }
    const state = readMarker<RuntimeMarker>(markers, "runtime");
    assertEqual(state?.state, "ready", "runtime.json state after the fix");
  });
});

function assertEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

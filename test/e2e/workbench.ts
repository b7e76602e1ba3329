// Driving VS Code's workbench in the browser as a user would: waits that retry, the keyboard
// focus, opening a workspace file. Shared by the end-to-end suite and the VS Code benchmarks
// (bench/figures/vscode.ts).
import { setTimeout as sleep } from "node:timers/promises";
import type { Page } from "playwright-core";

/** Retries `check` until it returns true; on timeout fails with `expected` and the last detail. */
export async function eventually(expected: string, check: () => Promise<boolean | string>, timeoutMs = 30_000): Promise<void> {
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
    if (Date.now() > deadline)
      throw new Error(`expected ${expected} within ${timeoutMs / 1000} s${detail ? `; last seen: ${detail}` : ""}`);
    await sleep(200);
  }
}

/** Takes the keyboard focus away from a webview (its iframe keeps the keys to itself), so the
 *  workbench's keybindings (F1, Control+P, Control+Shift+M) reach VS Code. */
export async function focusWorkbench(page: Page): Promise<void> {
  await page.evaluate(() => {
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.tagName === "IFRAME") active.blur();
  });
}

/** Focuses the editor of a workspace file: a click on its tab when it is open (keys pressed
 *  while a webview has the focus go to the webview), else Quick Open (Control+P). */
export async function openFile(page: Page, relativePath: string, expectedText: string): Promise<void> {
  const name = relativePath.split("/").pop()!;
  const tab = page.locator(".tabs-container .tab", { hasText: name });
  if ((await tab.count()) > 0) {
    await tab.first().click();
  } else {
    await focusWorkbench(page);
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
  await eventually(
    `the editor of ${name} to have the keyboard focus`,
    async () => page.evaluate(() => document.activeElement?.closest(".monaco-editor") != null),
    10_000,
  );
}

// The extension, run in plain Node on the fake `vscode` (fake-vscode.ts) with a real runtime: when
// a file of the data folder cannot be saved, the status bar says so and one notification tells
// the user, however many times saving fails; when saving works again the status bar returns.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../helpers/cli-process";
import { createFakeVscode, installFakeVscode, type FakeStatusBarItem, type FakeVscodeState } from "./fake-vscode";
import { recordFigures, Tally } from "./figures";
import { copyFixture, poll } from "./support";

const tally = new Tally();
const project = copyFixture("faults-app");
const statusBarItems: FakeStatusBarItem[] = [];
const state: FakeVscodeState = {
  isTrusted: true,
  workspaceFolders: [project],
  settings: { "convexLens.sitePort": 0, "convexLens.apiPort": 0, "convexLens.autoStart": true },
  extensionPath: REPO,
  commands: new Map(),
  messages: [],
  statusBarItems,
};
const fake = createFakeVscode(state);
const uninstall = installFakeVscode(fake.module);

after(async () => {
  uninstall();
  rmSync(project, { recursive: true, force: true });
  await recordFigures("disk-error-status", {
    title: "the extension shows a file that cannot be saved: a status bar state and one notification",
    tally,
  });
});

test("a log file that cannot be saved: 'disk error' in the status bar, one notification, and back when it saves again", async () => {
  const extension = await import("../../extension/main");
  await extension.activate(fake.context);
  tally.runs++;
  try {
    const status = statusBarItems.find((item) => item.id === "convexLens.status");
    assert.ok(status, `status bar items: ${statusBarItems.map((item) => item.id).join(", ")}`);
    const siteUrl = await poll(() => /http:\/\/127\.0\.0\.1:\d+/.exec(status.text)?.[0], "the runtime to serve", 600);

    // A directory where the log file goes: every save of it fails, as a real failure would.
    const logFile = join(project, ".convex-lens", "logs.sqlite");
    rmSync(logFile, { force: true });
    mkdirSync(join(logFile, "in-the-way"), { recursive: true });
    tally.faultsInjected++;
    const requests = async (n: number) => {
      for (let i = 0; i < n; i++) assert.equal(await (await fetch(`${siteUrl}/healthy`)).text(), "healthy");
      tally.requestsSent += n;
    };
    await requests(3);
    await poll(() => (status.text.includes("disk error") ? true : undefined), "the status bar to show the disk error", 600);
    assert.equal(status.text, "$(warning) Convex Lens: disk error");
    assert.match(String(status.tooltip), /could not save the log file: .*logs\.sqlite/);

    // More executions to record, more failed saves (the retry, the next changes): still one notification.
    await requests(5);
    await poll(() => (state.messages.length > 0 ? true : undefined), "the notification");
    const told = () => state.messages.filter((message) => /could not save the log file/.test(message));
    assert.equal(told().length, 1, state.messages.join("\n"));
    assert.match(told()[0]!, /^error: /);

    rmSync(logFile, { recursive: true, force: true });
    await poll(() => (status.text.includes(siteUrl) ? true : undefined), "the status bar to show the URL again", 1200);
    assert.equal(told().length, 1, state.messages.join("\n"));
    tally.notes.push(
      "a log file that could not be saved: status bar 'disk error', 1 notification over repeated failures, back to the URL after",
    );
  } finally {
    await extension.deactivate();
    for (const disposable of fake.context.subscriptions.splice(0)) disposable.dispose();
  }
});

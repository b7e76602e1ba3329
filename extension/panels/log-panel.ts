// The "Convex Logs" view in the bottom panel: a thin adapter from a WebviewView to the log panel's
// controller (log-panel-controller.ts) and its source (log-panel-source.ts), which hold the logic
// without vscode. The webview is rebuilt each time the view is shown; it keeps its filters with
// setState and asks for its rows again.
import * as vscode from "vscode";
import { isWebviewMessage } from "../../webview/protocol/messages";
import type { RuntimeSession } from "../runtime-session";
import { writeMarker } from "../e2e-markers";
import { LogPanelController } from "./log-panel-controller";
import { openFrameSource } from "./open-frame-source";
import { LogSourceTracker, type SourceChoice } from "./log-panel-source";
import { webviewHtml, webviewOptions } from "./webview-html";

export interface LogPanelDependencies {
  extensionUri: vscode.Uri;
  /** Null in an untrusted workspace. */
  session: RuntimeSession | null;
  projectDir: string;
  /** The convexLens.logRetention setting. */
  retention(): number;
}

export class LogPanelProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = "convexLens.logs";
  readonly #deps: LogPanelDependencies;
  readonly #tracker: LogSourceTracker;
  readonly #subscriptions: vscode.Disposable[] = [];
  #view: vscode.WebviewView | null = null;
  #controller: LogPanelController | null = null;
  #viewSubscriptions: vscode.Disposable[] = [];

  constructor(deps: LogPanelDependencies) {
    this.#deps = deps;
    this.#tracker = new LogSourceTracker(deps.session, deps.projectDir, (choice) => this.#showSource(choice));
    if (deps.session) this.#subscriptions.push(deps.session.onStateChanged(() => void this.#tracker.refresh()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.#disposeView();
    this.#view = view;
    view.webview.options = webviewOptions(this.#deps.extensionUri);
    view.webview.html = webviewHtml(view.webview, this.#deps.extensionUri, "logs", "Convex Logs");
    const controller = new LogPanelController({
      post: (message) => void view.webview.postMessage(message),
      openSource: (file, line, column) => this.#openSource(file, line, column),
      retention: () => this.#deps.retention(),
    });
    this.#controller = controller;
    this.#viewSubscriptions.push(
      view.webview.onDidReceiveMessage((message: unknown) => {
        if (isWebviewMessage(message)) void controller.handle(message);
      }),
      view.onDidDispose(() => {
        if (this.#view === view) this.#disposeView();
      }),
    );
    this.#showSource(this.#tracker.current());
    void this.#tracker.refresh();
  }

  /** The view title's Clear: the webview asks the host for the floor, as its own button does. */
  async clear(): Promise<void> {
    await vscode.commands.executeCommand(`${LogPanelProvider.viewType}.focus`);
    void this.#view?.webview.postMessage({ type: "logsCommand", command: "clear" });
  }

  #showSource(choice: SourceChoice): void {
    this.#controller?.setSource(choice.source, choice.view);
    writeMarker("logs-view", { resolved: this.#view !== null, source: choice.view.kind });
  }

  async #openSource(file: string, line: number, column: number | null): Promise<void> {
    await openFrameSource(this.#deps.projectDir, file, line, column);
  }

  #disposeView(): void {
    for (const subscription of this.#viewSubscriptions) subscription.dispose();
    this.#viewSubscriptions = [];
    this.#controller?.dispose();
    this.#controller = null;
    this.#view = null;
  }

  dispose(): void {
    this.#disposeView();
    for (const subscription of this.#subscriptions) subscription.dispose();
    void this.#tracker.dispose();
  }
}

// Hosts the functions panel: every function and route with its stats, a runner, the Data and Files
// tabs. One panel per window, reused. The requests themselves are answered by
// functions-panel-requests.ts; this file owns the WebviewPanel, the effects only VS Code has, and
// when the state is pushed again (runtime state changes, finished executions, a run).
import * as vscode from "vscode";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { LogStore } from "../../runtime";
import type { CronService, SyncFeature } from "../../runtime";
import { isFunctionsRequest } from "../../webview/protocol/functions";
import { isWebviewMessage, type HostMessage, type WebviewMessage } from "../../webview/protocol/messages";
import type { RuntimeSession } from "../runtime-session";
import { FunctionStatsCache } from "../../runtime";
import { handleFunctionsRequest, liveQueriesView, panelState, type FunctionsEffects } from "./functions-panel-requests";
import { devTokenFor } from "../requests/act-as";
import { webviewHtml, webviewOptions } from "./webview-html";
import { openFrameSource } from "./open-frame-source";
import { ServingPart } from "./serving-part";

export interface FunctionsPanelDependencies {
  extensionUri: vscode.Uri;
  /** Null in an untrusted workspace: the panel says so and runs nothing. */
  session: RuntimeSession | null;
  output: vscode.LogOutputChannel;
}

/**
 * Executions change the stats; the state is pushed again at most this often for them, and never
 * more often than ten times the last refresh took (the stats query runs on this thread).
 */
const STATS_REFRESH_MS = 1000;

const EXTENSIONS: Record<string, string> = {
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/gif": ".gif",
  "image/webp": ".webp",
  "image/svg+xml": ".svg",
  "text/plain": ".txt",
  "text/html": ".html",
  "text/csv": ".csv",
  "application/json": ".json",
  "application/pdf": ".pdf",
};

export class FunctionsPanel implements vscode.Disposable {
  static readonly viewType = "convexLens.functions";
  readonly #panel: vscode.WebviewPanel;
  readonly #subscriptions: vscode.Disposable[] = [];
  readonly #effects: FunctionsEffects;
  /** Finished executions change the stats. */
  readonly #logs = new ServingPart<LogStore>((logs) => {
    const unsubscribe = logs.subscribe((event) => {
      if (event.kind !== "executionStarted" && event.kind !== "executionFinished") return;
      this.#stats.touched(event.execution.identifier);
      this.#scheduleRefresh();
    });
    return () => void unsubscribe();
  });
  /** A reload or a run's end changes the cron jobs. */
  readonly #crons = new ServingPart<CronService>((crons) => crons.subscribe(() => this.#scheduleRefresh()));
  /** The sync hub says when the live queries changed (coalesced), so the list is sent as it is. */
  readonly #sync = new ServingPart<SyncFeature>((sync) => sync.onSubscriptionsChanged(() => this.#postLiveQueries()));
  #refreshTimer: NodeJS.Timeout | null = null;
  readonly #stats = new FunctionStatsCache();
  /** How long the last state took to build (the stats query, mostly). */
  #lastStateMs = 0;
  #disposed = false;

  constructor(
    private readonly deps: FunctionsPanelDependencies,
    private readonly onDispose: () => void,
  ) {
    this.#panel = vscode.window.createWebviewPanel(
      FunctionsPanel.viewType,
      "Convex functions",
      vscode.ViewColumn.Active,
      webviewOptions(deps.extensionUri),
    );
    this.#panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, "media", "convex-lens.svg");
    this.#panel.webview.html = webviewHtml(this.#panel.webview, deps.extensionUri, "functions", "Convex functions");
    this.#effects = {
      openRoute: async (routeKey) => {
        await vscode.commands.executeCommand("convexLens.sendRequest", routeKey);
      },
      copyText: async (text) => {
        await vscode.env.clipboard.writeText(text);
        vscode.window.setStatusBarMessage(`Copied ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`, 3000);
      },
      confirm: async (message, action) => (await vscode.window.showWarningMessage(message, { modal: true }, action)) === action,
      download: (storageId, url, contentType) => this.#download(storageId, url, contentType),
    };
    this.#subscriptions.push(
      this.#panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isWebviewMessage(message)) void this.#handle(message);
      }),
      this.#panel.onDidDispose(() => this.dispose()),
    );
    if (deps.session) {
      this.#subscriptions.push(
        deps.session.onStateChanged(() => {
          this.#followServing();
          this.#postState();
          this.#postLiveQueries();
        }),
      );
    }
    this.#followServing();
  }

  reveal(): void {
    this.#panel.reveal(undefined, false);
  }

  #source() {
    return { session: this.deps.session };
  }

  #postState(): void {
    try {
      const started = performance.now();
      const state = panelState(this.#source(), this.#stats);
      this.#lastStateMs = performance.now() - started;
      this.#post({ type: "functionsState", state });
    } catch (error) {
      this.deps.output.warn(`Functions panel: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The Live queries tab's list. */
  #postLiveQueries(): void {
    this.#post({ type: "liveQueries", live: liveQueriesView(this.#source()) });
  }

  #post(message: HostMessage): void {
    if (!this.#disposed) void this.#panel.webview.postMessage(message);
  }

  /** Follows the parts of the runtime serving now (a restart makes new ones). */
  #followServing(): void {
    const serving = this.deps.session?.serving ?? null;
    this.#logs.follow(serving?.runtime.logs ?? null);
    this.#crons.follow(serving?.crons ?? null);
    this.#sync.follow(serving?.sync ?? null);
  }

  #scheduleRefresh(): void {
    if (this.#refreshTimer || this.#disposed) return;
    this.#refreshTimer = setTimeout(
      () => {
        this.#refreshTimer = null;
        if (this.#panel.visible) this.#postState();
      },
      Math.max(STATS_REFRESH_MS, 10 * this.#lastStateMs),
    );
  }

  async #handle(message: WebviewMessage): Promise<void> {
    if (message.type === "ready") {
      this.#postState();
      this.#postLiveQueries();
      return;
    }
    try {
      let value: unknown = null;
      if (isFunctionsRequest(message)) {
        // Refresh reads every stored execution again (pruned ones drop out of the stats).
        if (message.type === "refreshFunctions") this.#stats.invalidate();
        value = await handleFunctionsRequest(message, this.#source(), this.#effects);
      } else if (message.type === "openSource") {
        await this.#openSource(message.file, message.line);
      } else if (message.type === "signDevToken") {
        // "Act as a user": functions run on the embedded runtime, whose dev issuer signs the token.
        value = await devTokenFor(message.actAs, this.deps.session?.serving?.devIssuer ?? null, {
          local: true,
          label: "the local Convex Lens runtime",
        });
      } else {
        throw new Error(`The functions panel does not handle "${message.type}".`);
      }
      this.#post({ type: "reply", id: message.id, ok: true, value });
      // Runs and edits change the stats and the counts: show them now.
      if (message.type === "runFunction" || message.type === "runCron" || message.type === "refreshFunctions") this.#postState();
    } catch (error) {
      this.#post({ type: "reply", id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  async #download(storageId: string, url: string, contentType: string | null): Promise<boolean> {
    const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
    const name = `${storageId}${EXTENSIONS[type] ?? ""}`;
    const folder = this.deps.session?.projectDir ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const target = await vscode.window.showSaveDialog({
      saveLabel: "Save file",
      defaultUri: folder ? vscode.Uri.file(join(folder, name)) : undefined,
    });
    if (!target) return false;
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`The file could not be read: HTTP ${response.status} from the runtime.`);
    if (target.scheme === "file") {
      // Streamed: stored files may be far larger than what belongs in memory.
      await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), createWriteStream(target.fsPath));
    } else {
      await vscode.workspace.fs.writeFile(target, new Uint8Array(await response.arrayBuffer()));
    }
    return true;
  }

  async #openSource(file: string, line: number): Promise<void> {
    const projectDir = this.deps.session?.projectDir;
    if (!projectDir) throw new Error("No Convex project is open.");
    await openFrameSource(projectDir, file, line);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    this.#logs.dispose();
    this.#crons.dispose();
    this.#sync.dispose();
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#panel.dispose();
    this.onDispose();
  }
}

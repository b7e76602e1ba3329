// Hosts a response panel: sends the request, shows the response as it arrives (live-send.ts) and
// the executions it caused, lets the user edit and resend, stop a request under way, and open or
// resend a send of the history. Which route it shows can change (the shared panel shows every
// route's sends); response-panels.ts decides which panel a send goes to.
import * as vscode from "vscode";
import { decodeJwt } from "jose";
import type { ActAsIdentity, DevTokenView } from "../../webview/protocol/core";
import type { EditableRequest, HistoryEntryView, PanelState, ResponseView } from "../../webview/protocol/response";
import { isWebviewMessage, type HostMessage, type WebviewMessage } from "../../webview/protocol/messages";
import type { SendResult } from "../requests/send-request";
import { actAsTargetOf, signActAs, withActAs, type ActAsTarget } from "../requests/act-as";
import { logsUnavailableNote, type Target } from "../targets/targets";
import { RequestError } from "../requests/request-builder";
import { LiveSend } from "../requests/live-send";
import type { RuntimeSession } from "../runtime-session";
import { routeKey, type RouteEntry } from "../routes/route-model";
import { webviewHtml, webviewOptions } from "./webview-html";
import { openFrameSource } from "./open-frame-source";
import { writeMarker } from "../e2e-markers";
import { debuggableWorkers } from "../../runtime";

/** Dev tokens for "Copy dev token" are for the embedded runtime (the only target that trusts them). */
const LOCAL_RUNTIME: ActAsTarget = { local: true, label: "the local Convex Lens runtime" };

/** How a send ended, for the history. */
export interface SendOutcome {
  requestId: string | null;
  target: string;
  result: SendResult | null;
  error: string | null;
}

export interface PanelDependencies {
  extensionUri: vscode.Uri;
  session: RuntimeSession;
  remember(route: RouteEntry, request: EditableRequest): void;
  onStatus(route: RouteEntry, status: number): void;
  /** Where requests go now (Convex Lens: Switch target). */
  target(): Target;
  /** "Save request": appends the request to its route's .http file; `status` of its last response. */
  saveRequest(route: RouteEntry, request: EditableRequest, status: number | null): Promise<void>;
  /** "Export as test": writes a convex-test test of the request and the response it got. */
  exportTest(route: RouteEntry, request: EditableRequest, response: ResponseView, target: Target): Promise<void>;
  /** "Debug": attaches VS Code's JavaScript debugger to the functions; throws when it cannot. */
  attachDebugger(): Promise<void>;
  /** Records a finished send in the history. */
  record(route: RouteEntry, request: EditableRequest, outcome: SendOutcome): void;
  history(): HistoryEntryView[];
  /** The history's Open and Send again: the panels' owner decides which panel shows the send. */
  openHistory(entryId: string, from: ResponsePanel): Promise<void>;
  resendHistory(entryId: string, from: ResponsePanel): Promise<void>;
}

export const panelTitle = (route: RouteEntry): string => `Response: ${routeKey(route)}`;

/**
 * How long a new panel's page waits for the outcome of its first send before it is written with
 * the request still loading. VS Code readies a webview's frames more slowly than this (the page is
 * asked for 250–600 ms after the click on this machine), so a quick response is in the page itself
 * and its first paint waits for no message.
 */
const FIRST_PAGE_WAIT_MS = 150;

export class ResponsePanel implements vscode.Disposable {
  static readonly viewType = "convexLens.response";
  readonly #panel: vscode.WebviewPanel;
  readonly #subscriptions: vscode.Disposable[] = [];
  #route: RouteEntry;
  #state: PanelState;
  #bytes: Uint8Array = new Uint8Array();
  /** The target that gave the shown response (for "Export as test"). */
  #answeredBy: Target | null = null;
  /** The send under way, if any: the one `stop` aborts and whose messages the panel shows. */
  #live: LiveSend | null = null;
  #disposed = false;
  /** Until the page is written, messages are not posted: the page gets what is current then. */
  #pageWritten = false;
  readonly #pageTimer: ReturnType<typeof setTimeout>;
  readonly onDispose: () => void = () => {};

  constructor(
    route: RouteEntry,
    request: EditableRequest,
    private readonly deps: PanelDependencies,
    onDispose: () => void,
  ) {
    this.onDispose = onDispose;
    this.#route = route;
    this.#state = { kind: "loading", request, target: deps.target().label };
    this.#panel = vscode.window.createWebviewPanel(
      ResponsePanel.viewType,
      panelTitle(route),
      vscode.ViewColumn.Beside,
      webviewOptions(deps.extensionUri),
    );
    this.#pageTimer = setTimeout(() => this.#writePage(), FIRST_PAGE_WAIT_MS);
    this.#subscriptions.push(
      this.#panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isWebviewMessage(message)) void this.#handle(message);
      }),
      this.#panel.onDidDispose(() => this.dispose()),
    );
  }

  get route(): RouteEntry {
    return this.#route;
  }

  reveal(): void {
    this.#panel.reveal(vscode.ViewColumn.Beside, true);
  }

  /** The shared panel shows another route's send: its title follows. */
  showRoute(route: RouteEntry): void {
    this.#route = route;
    this.#panel.title = panelTitle(route);
  }

  /** The history changed. */
  postHistory(entries: HistoryEntryView[]): void {
    this.#post({ type: "history", entries });
  }

  /** Shows a send of the history: its response when kept, else its request with a note. */
  showSent(route: RouteEntry, request: EditableRequest, target: string, kept: { response: ResponseView; bytes: Uint8Array } | null): void {
    this.#abandonLive();
    this.showRoute(route);
    this.#bytes = kept?.bytes ?? new Uint8Array();
    this.#answeredBy = null;
    this.#setState(
      kept
        ? { kind: "ready", request, target, response: kept.response }
        : {
            kind: "idle",
            request,
            target,
            note: "The response of this send is no longer kept (responses are kept while the window is open). Send it again to see one.",
          },
    );
  }

  /**
   * Sends the request and shows the outcome as it arrives (also returned); rejects when it could
   * not be sent. `onStarted` runs once the request is on its way: the webview's Send is answered
   * then, so a long stream does not hold its reply.
   */
  async send(request: EditableRequest, options: { onStarted?: () => void } = {}): Promise<SendResult> {
    this.#abandonLive();
    const route = this.#route;
    const serving = this.deps.session.serving;
    const destination = this.deps.target();
    const target = destination.label;
    this.#setState({ kind: "loading", request, target });
    this.deps.remember(route, request);
    const refuse = (message: string): never => {
      this.#setState({ kind: "error", request, target, message });
      this.deps.record(route, request, { requestId: null, target, result: null, error: message });
      throw new Error(message);
    };
    const local = destination.kind === "runtime";
    if (local && !serving?.runtime.ready) {
      refuse(
        serving
          ? "The project has not loaded yet (see the Problems view)."
          : "The Convex Lens runtime is stopped. Run 'Convex Lens: Start runtime'.",
      );
    }
    const siteUrl = local ? serving!.site.url : destination.siteUrl;
    if (!siteUrl) refuse(destination.unavailable ?? `${destination.label} cannot be used now.`);
    let toSend: EditableRequest;
    try {
      // "Act as a user": a fresh dev token in the Authorization header; never part of the shown state.
      toSend = await withActAs(request, serving?.devIssuer ?? null, actAsTargetOf(destination));
    } catch (error) {
      return refuse(
        error instanceof RequestError ? error.message : `The request failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const live = new LiveSend(
      {
        siteUrl: siteUrl!,
        request: toSend,
        shown: request,
        target,
        // Only the embedded runtime's executions can be gathered; other targets keep their own logs.
        logs: local ? serving!.runtime.logs : null,
        logsNote: local ? undefined : logsUnavailableNote(destination),
      },
      (message) => {
        if (message.type === "state") this.#state = message.state;
        this.#post(message);
      },
    );
    this.#live = live;
    options.onStarted?.();
    // While it waits, a function it runs may stop at a breakpoint: the panel says so.
    const unsubscribe = local ? debuggableWorkers.subscribe(() => live.showPaused(debuggableWorkers.anyPaused)) : () => undefined;
    try {
      const result = await live.run();
      if (this.#live === live) {
        this.#bytes = result.bytes;
        this.#answeredBy = destination;
      }
      this.deps.onStatus(route, result.response.status);
      this.deps.record(route, request, { requestId: live.requestId, target, result, error: null });
      if (this.#live === live)
        writeMarker("last-response", {
          status: result.response.status,
          requestId: result.response.requestId,
          method: request.method,
          path: result.response.url,
          target,
          stream: result.response.stream ? { state: result.response.stream.state, events: result.response.stream.events.length } : null,
        });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.record(route, request, { requestId: live.requestId, target, result: null, error: message });
      throw error;
    } finally {
      unsubscribe();
      if (this.#live === live) this.#live = null;
    }
  }

  #abandonLive(): void {
    this.#live?.abandon();
    this.#live = null;
  }

  #setState(state: PanelState): void {
    this.#state = state;
    this.#post({ type: "state", state });
  }

  #post(message: HostMessage): void {
    if (this.#disposed) return;
    if (!this.#pageWritten) {
      // An outcome (a response, an error) is worth showing at once; loading states can wait.
      if (message.type === "state" && message.state.kind !== "loading") this.#writePage();
      return;
    }
    void this.#panel.webview.postMessage(message);
  }

  /** Writes the page once, with the state and history current now as its first messages. */
  #writePage(): void {
    if (this.#pageWritten || this.#disposed) return;
    this.#pageWritten = true;
    clearTimeout(this.#pageTimer);
    const messages: HostMessage[] = [
      { type: "state", state: this.#live?.state ?? this.#state },
      { type: "history", entries: this.deps.history() },
    ];
    this.#panel.webview.html = webviewHtml(this.#panel.webview, this.deps.extensionUri, "response", panelTitle(this.#route), messages);
  }

  async #handle(message: WebviewMessage): Promise<void> {
    if (message.type === "ready") {
      this.#post({ type: "state", state: this.#live?.state ?? this.#state });
      this.#post({ type: "history", entries: this.deps.history() });
      return;
    }
    try {
      if (message.type === "send" || message.type === "debug") {
        if (message.type === "debug") await this.deps.attachDebugger();
        // The method is the route's; the webview cannot change it. The reply goes once the
        // request is on its way (or could not go); the states that follow show how it went.
        const request = { ...message.request, method: this.#route.method, routePath: this.#route.path };
        await new Promise<void>((resolve, reject) => {
          this.send(request, { onStarted: resolve }).then(() => resolve(), reject);
        });
      } else if (message.type === "stop") {
        this.#live?.stop();
      } else if (message.type === "openHistory") {
        await this.deps.openHistory(message.entryId, this);
      } else if (message.type === "resendHistory") {
        await this.deps.resendHistory(message.entryId, this);
      } else if (message.type === "download") {
        await this.#download();
      } else if (message.type === "openSource") {
        await this.#openSource(message.file, message.line);
      } else if (message.type === "saveRequest") {
        const status = this.#state.kind === "ready" ? this.#state.response.status : null;
        await this.deps.saveRequest(this.#route, { ...message.request, method: this.#route.method, routePath: this.#route.path }, status);
      } else if (message.type === "exportTest") {
        const state = this.#state;
        if (state.kind !== "ready") throw new Error("Send the request first: the test checks the response it gets.");
        if (state.response.stream?.state === "streaming") throw new Error("Wait for the response to end: the test checks all of it.");
        await this.deps.exportTest(this.#route, state.request, state.response, this.#answeredBy ?? this.deps.target());
      } else if (message.type === "signDevToken") {
        this.#post({ type: "reply", id: message.id, ok: true, value: await this.#signDevToken(message.actAs, message.copy === true) });
        return;
      }
      this.#post({ type: "reply", id: message.id, ok: true });
    } catch (error) {
      this.#post({ type: "reply", id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  async #signDevToken(actAs: ActAsIdentity, copy: boolean): Promise<DevTokenView> {
    const token = await signActAs(actAs, this.deps.session.serving?.devIssuer ?? null, LOCAL_RUNTIME);
    const expiresAt = decodeJwt(token).exp ?? 0;
    if (copy) {
      await vscode.env.clipboard.writeText(token);
      void vscode.window.showInformationMessage(
        `Copied a dev token for '${actAs.subject.trim()}', valid for one hour on the local Convex Lens runtime only.`,
      );
    }
    return { token, expiresAt };
  }

  async #download(): Promise<void> {
    const target = await vscode.window.showSaveDialog({ saveLabel: "Save response body" });
    if (target) await vscode.workspace.fs.writeFile(target, this.#bytes);
  }

  async #openSource(file: string, line: number): Promise<void> {
    await openFrameSource(this.deps.session.projectDir, file, line);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#pageTimer);
    this.#abandonLive();
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#panel.dispose();
    this.onDispose();
  }
}

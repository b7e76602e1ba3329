// Hosts the response panel of one route: sends the request, shows the response and the
// executions it caused, lets the user edit and resend. One panel per route, reused.
import * as vscode from "vscode";
import { decodeJwt } from "jose";
import {
  isWebviewMessage,
  type ActAsIdentity,
  type DevTokenView,
  type EditableRequest,
  type HostMessage,
  type PanelState,
  type ResponseView,
  type WebviewMessage,
} from "../../webview/protocol";
import { sendRequest, type SendResult } from "../requests/send-request";
import { actAsTargetOf, signActAs, withActAs, type ActAsTarget } from "../requests/act-as";
import { logsUnavailableNote, type Target } from "../targets/targets";
import { RequestError } from "../requests/request-builder";
import type { RuntimeSession } from "../runtime-session";
import { routeKey, type RouteEntry } from "../routes/route-model";
import { webviewHtml, webviewOptions } from "./webview-html";
import { openFrameSource } from "./open-frame-source";
import { writeMarker } from "../e2e-markers";
import { debuggableWorkers } from "../../runtime/debug/debuggable-workers";

/** Dev tokens for "Copy dev token" are for the embedded runtime (the only target that trusts them). */
const LOCAL_RUNTIME: ActAsTarget = { local: true, label: "the local Convex Lens runtime" };

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
}

export class ResponsePanel implements vscode.Disposable {
  static readonly viewType = "convexLens.response";
  readonly #panel: vscode.WebviewPanel;
  readonly #subscriptions: vscode.Disposable[] = [];
  #state: PanelState;
  #bytes: Uint8Array = new Uint8Array();
  /** The target that gave the shown response (for "Export as test"). */
  #answeredBy: Target | null = null;
  #disposed = false;
  readonly onDispose: () => void = () => {};

  constructor(
    private readonly route: RouteEntry,
    request: EditableRequest,
    private readonly deps: PanelDependencies,
    onDispose: () => void,
  ) {
    this.onDispose = onDispose;
    this.#state = { kind: "loading", request, target: deps.target().label };
    this.#panel = vscode.window.createWebviewPanel(
      ResponsePanel.viewType,
      `Response: ${routeKey(route)}`,
      vscode.ViewColumn.Beside,
      webviewOptions(deps.extensionUri),
    );
    this.#panel.webview.html = webviewHtml(this.#panel.webview, deps.extensionUri, "response", `Response: ${routeKey(route)}`);
    this.#subscriptions.push(
      this.#panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isWebviewMessage(message)) void this.#handle(message);
      }),
      this.#panel.onDidDispose(() => this.dispose()),
    );
  }

  reveal(): void {
    this.#panel.reveal(vscode.ViewColumn.Beside, true);
  }

  /** Sends the request and shows the outcome (also returned); rejects when it could not be sent. */
  async send(request: EditableRequest): Promise<SendResult> {
    const serving = this.deps.session.serving;
    const destination = this.deps.target();
    const target = destination.label;
    this.#setState({ kind: "loading", request, target });
    this.deps.remember(this.route, request);
    const local = destination.kind === "runtime";
    if (local && !serving?.runtime.ready) {
      const message = serving
        ? "The project has not loaded yet (see the Problems view)."
        : "The Convex Lens runtime is stopped. Run 'Convex Lens: Start runtime'.";
      this.#setState({ kind: "error", request, target, message });
      throw new Error(message);
    }
    const siteUrl = local ? serving!.site.url : destination.siteUrl;
    if (!siteUrl) {
      const message = destination.unavailable ?? `${destination.label} cannot be used now.`;
      this.#setState({ kind: "error", request, target, message });
      throw new Error(message);
    }
    // While it waits, a function it runs may stop at a breakpoint: the panel says so.
    const showPaused = () => {
      if (this.#state.kind === "loading" && this.#state.request === request)
        this.#setState({ kind: "loading", request, target, paused: debuggableWorkers.anyPaused });
    };
    const unsubscribe = local ? debuggableWorkers.subscribe(showPaused) : () => undefined;
    try {
      // "Act as a user": a fresh dev token in the Authorization header; never part of the shown state.
      const toSend = await withActAs(request, serving?.devIssuer ?? null, actAsTargetOf(destination));
      // Only the embedded runtime's executions can be gathered; other targets keep their own logs.
      const { response: answer, bytes } = await sendRequest(siteUrl, toSend, local ? serving!.runtime.logs : null);
      const response = local ? answer : { ...answer, logsNote: logsUnavailableNote(destination) };
      this.#bytes = bytes;
      this.#answeredBy = destination;
      this.#setState({ kind: "ready", request, target, response });
      this.deps.onStatus(this.route, response.status);
      writeMarker("last-response", {
        status: response.status,
        requestId: response.requestId,
        method: request.method,
        path: response.url,
        target,
      });
      return { response, bytes };
    } catch (error) {
      const message =
        error instanceof RequestError ? error.message : `The request failed: ${error instanceof Error ? error.message : String(error)}`;
      this.#setState({ kind: "error", request, target, message });
      throw new Error(message);
    } finally {
      unsubscribe();
    }
  }

  #setState(state: PanelState): void {
    this.#state = state;
    this.#post({ type: "state", state });
  }

  #post(message: HostMessage): void {
    if (!this.#disposed) void this.#panel.webview.postMessage(message);
  }

  async #handle(message: WebviewMessage): Promise<void> {
    if (message.type === "ready") {
      this.#post({ type: "state", state: this.#state });
      return;
    }
    try {
      if (message.type === "send" || message.type === "debug") {
        if (message.type === "debug") await this.deps.attachDebugger();
        // The method is the route's; the webview cannot change it.
        await this.send({ ...message.request, method: this.route.method, routePath: this.route.path });
      } else if (message.type === "download") {
        await this.#download();
      } else if (message.type === "openSource") {
        await this.#openSource(message.file, message.line);
      } else if (message.type === "saveRequest") {
        const status = this.#state.kind === "ready" ? this.#state.response.status : null;
        await this.deps.saveRequest(this.route, { ...message.request, method: this.route.method, routePath: this.route.path }, status);
      } else if (message.type === "exportTest") {
        const state = this.#state;
        if (state.kind !== "ready") throw new Error("Send the request first: the test checks the response it gets.");
        await this.deps.exportTest(this.route, state.request, state.response, this.#answeredBy ?? this.deps.target());
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
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#panel.dispose();
    this.onDispose();
  }
}

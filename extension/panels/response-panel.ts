// Hosts the response panel of one route: sends the request, shows the response and the
// executions it caused, lets the user edit and resend. One panel per route, reused.
import * as vscode from "vscode";
import { join } from "node:path";
import { isWebviewMessage, type EditableRequest, type HostMessage, type PanelState, type WebviewMessage } from "../../webview/protocol";
import { sendRequest } from "../requests/send-request";
import { RequestError, requestPath, requestUrl } from "../requests/request-builder";
import type { RuntimeSession } from "../runtime-session";
import { routeKey, type RouteEntry } from "../routes/route-model";
import { webviewHtml, webviewOptions } from "./webview-html";
import { writeMarker } from "../e2e-markers";

export interface PanelDependencies {
  extensionUri: vscode.Uri;
  session: RuntimeSession;
  remember(route: RouteEntry, request: EditableRequest): void;
  onStatus(route: RouteEntry, status: number): void;
}

export class ResponsePanel implements vscode.Disposable {
  static readonly viewType = "convexLens.response";
  readonly #panel: vscode.WebviewPanel;
  readonly #subscriptions: vscode.Disposable[] = [];
  #state: PanelState;
  #bytes: Uint8Array = new Uint8Array();
  #disposed = false;
  readonly onDispose: () => void = () => {};

  constructor(
    private readonly route: RouteEntry,
    request: EditableRequest,
    private readonly deps: PanelDependencies,
    onDispose: () => void,
  ) {
    this.onDispose = onDispose;
    this.#state = { kind: "loading", request, target: deps.session.serving?.site.url ?? "Convex Lens runtime" };
    this.#panel = vscode.window.createWebviewPanel(ResponsePanel.viewType, `Response: ${routeKey(route)}`, vscode.ViewColumn.Beside, webviewOptions(deps.extensionUri));
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

  /** Sends the request and shows the outcome; rejects only for the webview's own send call. */
  async send(request: EditableRequest): Promise<void> {
    const serving = this.deps.session.serving;
    const target = serving ? requestUrlOrPath(serving.site.url, request) : "Convex Lens runtime (stopped)";
    this.#setState({ kind: "loading", request, target });
    this.deps.remember(this.route, request);
    if (!serving || !serving.runtime.ready) {
      const message = serving ? "The project has not loaded yet (see the Problems view)." : "The Convex Lens runtime is stopped. Run 'Convex Lens: Start runtime'.";
      this.#setState({ kind: "error", request, target, message });
      throw new Error(message);
    }
    try {
      const { response, bytes } = await sendRequest(serving.site.url, request, serving.runtime.logs);
      this.#bytes = bytes;
      this.#setState({ kind: "ready", request, target, response });
      this.deps.onStatus(this.route, response.status);
      writeMarker("last-response", { status: response.status, requestId: response.requestId, method: request.method, path: response.url });
    } catch (error) {
      const message = error instanceof RequestError ? error.message : `The request failed: ${error instanceof Error ? error.message : String(error)}`;
      this.#setState({ kind: "error", request, target, message });
      throw new Error(message);
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
      if (message.type === "send") {
        // The method is the route's; the webview cannot change it.
        await this.send({ ...message.request, method: this.route.method, routePath: this.route.path });
      } else if (message.type === "download") {
        await this.#download();
      } else if (message.type === "openSource") {
        await this.#openSource(message.file, message.line);
      }
      this.#post({ type: "reply", id: message.id, ok: true });
    } catch (error) {
      this.#post({ type: "reply", id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  async #download(): Promise<void> {
    const target = await vscode.window.showSaveDialog({ saveLabel: "Save response body" });
    if (target) await vscode.workspace.fs.writeFile(target, this.#bytes);
  }

  async #openSource(file: string, line: number): Promise<void> {
    // Frames are printed relative to the functions folder's parent, like `../convex/http.ts`.
    const relative = file.replace(/^(\.\.\/)+/, "");
    const absolute = join(this.deps.session.projectDir, relative);
    if (!absolute.startsWith(this.deps.session.projectDir)) throw new Error(`${file} is outside the project`);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(absolute));
    const position = new vscode.Position(Math.max(0, line - 1), 0);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.One });
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#panel.dispose();
    this.onDispose();
  }
}

/** What the panel shows as the target: the full URL, or the path if the request is malformed. */
function requestUrlOrPath(siteUrl: string, request: EditableRequest): string {
  try {
    return requestUrl(siteUrl, request);
  } catch {
    return requestPath(request);
  }
}

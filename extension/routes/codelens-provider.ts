// Lenses above each `http.route(...)` call: Send request, Debug request, Copy as cURL, Open in browser (GET).
import * as vscode from "vscode";
import { routeKey } from "./route-model";
import type { RouteIndex } from "./route-index";

export class RouteCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.#changed.event;
  readonly #subscriptions: vscode.Disposable[];

  /** What the lenses show: a change of anything else (a route's last status) redraws nothing. */
  #shown = "";
  /** Provides (of route files) waiting for the runtime's reload: what they return is already the reloaded routes. */
  #waiting = 0;
  /** VS Code was told the lenses changed and has not asked since: its coming provide reads the
   *  routes as they are then, and telling it again would only restart its delay. */
  #told = false;

  constructor(private readonly index: RouteIndex) {
    this.#shown = this.#lensSignature();
    this.#subscriptions = [
      // Only when the lenses would change: VS Code drops the commands of the lenses it replaces, so
      // a click on a lens drawn just before a needless refresh (after every send) would do nothing.
      index.onDidChange(() => {
        const signature = this.#lensSignature();
        if (signature === this.#shown) return;
        this.#shown = signature;
        if (this.#waiting === 0) this.#tell();
      }),
      // VS Code asks for lenses at least 250 ms after it is told they changed. Told at the save, it
      // asks while the runtime reloads, and the provide waits for the reload (not the reload for
      // that delay): a new route's lens shows as soon as the route answers.
      index.onDidSaveRouteFile(() => this.#tell()),
    ];
  }

  #tell(): void {
    if (this.#told) return;
    this.#told = true;
    this.#changed.fire();
  }

  #lensSignature(): string {
    return JSON.stringify(
      this.index.routes.map((route) => [routeKey(route), route.source?.file, route.source?.line, route.source?.column]),
    );
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (this.index.declaresRoutes(document.uri.fsPath)) {
      this.#told = false;
      this.#waiting++;
      try {
        await this.index.settled();
      } finally {
        this.#waiting--;
      }
    }
    const lenses: vscode.CodeLens[] = [];
    for (const route of this.index.routes) {
      if (!route.source || route.source.file !== document.uri.fsPath) continue;
      const at = new vscode.Range(route.source.line, route.source.column, route.source.line, route.source.column);
      const key = routeKey(route);
      lenses.push(
        new vscode.CodeLens(at, {
          title: "Send request",
          command: "convexLens.sendRequest",
          arguments: [key],
          tooltip: `Send ${key} to the local runtime`,
        }),
      );
      lenses.push(
        new vscode.CodeLens(at, {
          title: "Debug request",
          command: "convexLens.debugRequest",
          arguments: [key],
          tooltip: `Debug ${key}: send it with VS Code's debugger attached (breakpoints in convex/ stop)`,
        }),
      );
      lenses.push(new vscode.CodeLens(at, { title: "Copy as cURL", command: "convexLens.copyCurl", arguments: [key] }));
      if (route.method === "GET") {
        lenses.push(new vscode.CodeLens(at, { title: "Open in browser", command: "convexLens.openInBrowser", arguments: [key] }));
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#changed.dispose();
  }
}

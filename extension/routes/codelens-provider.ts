// Lenses above each `http.route(...)` call: Send request, Copy as cURL, Open in browser (GET).
import * as vscode from "vscode";
import { routeKey } from "./route-model";
import type { RouteIndex } from "./route-index";

export class RouteCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.#changed.event;
  readonly #subscription: vscode.Disposable;

  /** What the lenses show: a change of anything else (a route's last status) redraws nothing. */
  #shown = "";

  constructor(private readonly index: RouteIndex) {
    this.#shown = this.#lensSignature();
    // Only when the lenses would change: VS Code drops the commands of the lenses it replaces, so
    // a click on a lens drawn just before a needless refresh (after every send) would do nothing.
    this.#subscription = index.onDidChange(() => {
      const signature = this.#lensSignature();
      if (signature === this.#shown) return;
      this.#shown = signature;
      this.#changed.fire();
    });
  }

  #lensSignature(): string {
    return JSON.stringify(
      this.index.routes.map((route) => [routeKey(route), route.source?.file, route.source?.line, route.source?.column]),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
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
      lenses.push(new vscode.CodeLens(at, { title: "Copy as cURL", command: "convexLens.copyCurl", arguments: [key] }));
      if (route.method === "GET") {
        lenses.push(new vscode.CodeLens(at, { title: "Open in browser", command: "convexLens.openInBrowser", arguments: [key] }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#changed.dispose();
  }
}

// Lenses above each `http.route(...)` call: Send request, Debug request, Copy as cURL, Open in browser (GET).
import * as vscode from "vscode";
import { routeKey } from "./route-model";
import type { RouteIndex } from "./route-index";

export class RouteCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.#changed.event;
  readonly #subscription: vscode.Disposable;

  constructor(private readonly index: RouteIndex) {
    this.#subscription = index.onDidChange(() => this.#changed.fire());
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
      lenses.push(
        new vscode.CodeLens(at, {
          title: "Debug request",
          command: "convexLens.debugRequest",
          arguments: [key],
          tooltip: `Send ${key} with VS Code's debugger attached: breakpoints in convex/ stop`,
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

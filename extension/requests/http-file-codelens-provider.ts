// "Send with Convex Lens" above each request of a `.http` / `.rest` file. A thin adapter over the
// pure parser; the lens names the current target in its tooltip.
import * as vscode from "vscode";
import { parseHttpFile } from "../../runtime";
import type { TargetSwitch } from "../targets/target-switch";

export const SEND_HTTP_FILE_REQUEST = "convexLens.sendHttpFileRequest";
export const SEND_HTTP_FILE_REQUEST_TITLE = "Send with Convex Lens";

/** `.http`/`.rest` files, whichever extension (REST Client, httpYac) gives them the `http` language. */
export const HTTP_FILE_SELECTOR: vscode.DocumentSelector = [
  { scheme: "file", pattern: "**/*.http" },
  { scheme: "file", pattern: "**/*.rest" },
  { scheme: "untitled", language: "http" },
];

export class HttpFileCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.#changed.event;
  readonly #subscription: vscode.Disposable;

  constructor(private readonly targets: TargetSwitch) {
    this.#subscription = targets.onDidChange(() => this.#changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const target = this.targets.current().label;
    return parseHttpFile(document.getText()).requests.map((request) => {
      const at = new vscode.Range(request.line, 0, request.line, 0);
      return new vscode.CodeLens(at, {
        title: SEND_HTTP_FILE_REQUEST_TITLE,
        command: SEND_HTTP_FILE_REQUEST,
        arguments: [document.uri.toString(), request.line],
        tooltip: `Send ${request.method} ${request.url} to ${target}, {{site}} being its URL`,
      });
    });
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#changed.dispose();
  }
}

// Read-only reports (CORS doctor, Decode token) in a webview beside the editor: our Markdown
// rendered by VS Code's own Markdown renderer (`markdown.api.render`), no script. One panel per
// report key, reused. Without the Markdown extension, the report opens as an untitled Markdown file.
import * as vscode from "vscode";
import { reportHtml } from "./webview-html";

export class ReportPanels implements vscode.Disposable {
  static readonly viewType = "convexLens.report";
  readonly #panels = new Map<string, vscode.WebviewPanel>();

  /** Shows `markdown` under `title`; `key` names the report ("token", "cors:POST /x") so a rerun replaces it. */
  async show(key: string, title: string, markdown: string): Promise<void> {
    let html: unknown;
    try {
      html = await vscode.commands.executeCommand("markdown.api.render", markdown);
    } catch {
      html = undefined;
    }
    if (typeof html !== "string") {
      const document = await vscode.workspace.openTextDocument({ language: "markdown", content: markdown });
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      return;
    }
    let panel = this.#panels.get(key);
    if (!panel) {
      panel = vscode.window.createWebviewPanel(ReportPanels.viewType, title, vscode.ViewColumn.Beside, {
        enableScripts: false,
        localResourceRoots: [],
      });
      const created = panel;
      created.onDidDispose(() => {
        if (this.#panels.get(key) === created) this.#panels.delete(key);
      });
      this.#panels.set(key, panel);
    }
    panel.title = title;
    panel.webview.html = reportHtml(panel.webview, title, html);
    panel.reveal(vscode.ViewColumn.Beside, false);
  }

  dispose(): void {
    for (const panel of this.#panels.values()) panel.dispose();
    this.#panels.clear();
  }
}

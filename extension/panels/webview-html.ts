// The one HTML builder for our webviews: strict CSP with a nonce, only the webview's own resource
// origin, one bundled script, data only by postMessage (nothing interpolated into scripts).
import * as vscode from "vscode";
import { randomBytes } from "node:crypto";

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, panel: "response" | "logs" | "functions", title: string): string {
  const nonce = randomBytes(16).toString("base64");
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview.js"));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // Our styles and the toolkit's use constructable stylesheets; the nonce lets the toolkit's
    // one feature probe (:focus-visible) run instead of logging a CSP error.
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    // Response previews show images as data: URLs built from the bytes the host sends.
    `img-src ${webview.cspSource} data:`,
  ].join("; ");
  const escapedTitle = title.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta property="csp-nonce" content="${nonce}">
<title>${escapedTitle}</title>
</head>
<body data-panel="${panel}">
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

export const webviewOptions = (extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions => ({
  enableScripts: true,
  localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist")],
  retainContextWhenHidden: false,
});

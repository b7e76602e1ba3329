// The one HTML builder for our webviews: strict CSP with a nonce, only the webview's own resource
// origin, one bundled script, data only by postMessage (nothing interpolated into scripts).
import * as vscode from "vscode";
import { randomBytes } from "node:crypto";

export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  panel: "response" | "logs" | "functions",
  title: string,
): string {
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
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta property="csp-nonce" content="${nonce}">
<title>${escapeHtml(title)}</title>
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

/**
 * A read-only report (CORS doctor, Decode token): HTML rendered from our own Markdown, no script at
 * all, styles by nonce. `bodyHtml` comes from VS Code's Markdown renderer over text we escaped.
 */
export function reportHtml(webview: vscode.Webview, title: string, bodyHtml: string): string {
  const nonce = randomBytes(16).toString("base64");
  const csp = ["default-src 'none'", `style-src ${webview.cspSource} 'nonce-${nonce}'`, `img-src ${webview.cspSource} data:`].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 20px 20px; line-height: 1.5; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); padding: 4px 8px; text-align: left; vertical-align: top; }
code, pre { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow-x: auto; }
blockquote { border-left: 3px solid var(--vscode-textBlockQuote-border); margin: 8px 0; padding: 2px 10px; background: var(--vscode-textBlockQuote-background); }
a { color: var(--vscode-textLink-foreground); }
</style>
</head>
<body data-report="${escapeHtml(title)}">
${bodyHtml}
</body>
</html>`;
}

/** Text for an HTML element's content or a quoted attribute. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

// The one HTML builder for our webviews: strict CSP with a nonce, only the webview's own resource
// origin, one bundled script, data by postMessage or as escaped JSON in an attribute (nothing
// interpolated into scripts).
import * as vscode from "vscode";
import type { HostMessage } from "../../webview/protocol/messages";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";

/** dist/webview.js as last read, and its modification time (a rebuild replaces it). */
let bundle: { path: string; mtimeMs: number; text: string } | null = null;

/**
 * The panels' bundle, written into the page instead of loaded by URL: a webview loads each
 * resource through VS Code's service worker and the workbench (a round trip to the extension's
 * files, 50–120 ms under load on the panel's first paint). The build checks that the bundle has no
 * `<script` or `</script` that would end the element early (scripts/build.mjs). Its source map is
 * named by its webview URL: relative, it would resolve against the page.
 */
function panelScript(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const file = vscode.Uri.joinPath(extensionUri, "dist", "webview.js");
  const { mtimeMs } = statSync(file.fsPath);
  if (bundle?.path !== file.fsPath || bundle.mtimeMs !== mtimeMs)
    bundle = { path: file.fsPath, mtimeMs, text: readFileSync(file.fsPath, "utf8") };
  const map = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview.js.map"));
  return bundle.text.replace(/\/\/# sourceMappingURL=webview\.js\.map\s*$/, `//# sourceMappingURL=${map}\n`);
}

/**
 * `messages`: host messages written into the page (as JSON in `data-messages`, escaped for the
 * attribute), which the panel shows from its first paint instead of waiting for them to arrive.
 */
export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  panel: "response" | "logs" | "functions",
  title: string,
  messages: HostMessage[] = [],
): string {
  const nonce = randomBytes(16).toString("base64");
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
<body data-panel="${panel}"${messages.length > 0 ? ` data-messages="${escapeHtml(JSON.stringify(messages))}"` : ""}>
<script nonce="${nonce}">${panelScript(webview, extensionUri)}</script>
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

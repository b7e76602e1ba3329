// Panel styles, applied as constructed style sheets (`document.adoptedStyleSheets`). A strict
// CSP without 'unsafe-inline' blocks <style> elements and style attributes but not constructed
// sheets, so the panels need no extra CSS file and no nonce for styles. Colours and fonts come
// from the theme's `--vscode-…` variables.

export const baseCss = `
:root { color-scheme: light dark; }
body {
  margin: 0;
  padding: 0 12px 12px;
  color: var(--vscode-foreground);
  background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family);
  font-size: var(--vscode-font-size);
  font-weight: var(--vscode-font-weight);
}
[hidden] { display: none !important; }
pre, code, .mono {
  font-family: var(--vscode-editor-font-family);
  font-size: var(--vscode-editor-font-size);
}
pre {
  margin: 0;
  padding: 8px;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  background: var(--vscode-textCodeBlock-background);
  border-radius: 2px;
}
.muted { color: var(--vscode-descriptionForeground); }
.notice-error {
  padding: 6px 8px;
  border: 1px solid var(--vscode-inputValidation-errorBorder);
  background: var(--vscode-inputValidation-errorBackground);
  color: var(--vscode-errorForeground);
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
button.link {
  padding: 0;
  border: none;
  background: none;
  font: inherit;
  color: var(--vscode-textLink-foreground);
  text-decoration: underline;
  cursor: pointer;
}
button.link:hover { color: var(--vscode-textLink-activeForeground); }
button.link:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
vscode-panel-view { flex-direction: column; align-items: stretch; }
vscode-panel-view > * { min-width: 0; }
vscode-data-grid-cell { overflow-wrap: anywhere; }
.badge {
  display: inline-flex;
  align-items: center;
  justify-content: center;
  box-sizing: border-box;
  min-width: 18px;
  height: 16px;
  padding: 0 4px;
  border: 1px solid var(--vscode-contrastBorder, transparent);
  border-radius: 11px;
  background: var(--vscode-badge-background);
  color: var(--vscode-badge-foreground);
  font-family: var(--vscode-font-family);
  font-size: 11px;
  line-height: 14px;
  font-weight: normal;
  white-space: nowrap;
  vertical-align: middle;
}
.tab-badge { margin-inline-start: 4px; }
`;

const cssTextOf = new WeakMap<CSSStyleSheet, string>();

/** Adds style sheets to the document (once per CSS text, however often a panel starts). */
export function adoptStyles(doc: Document, ...cssTexts: string[]): void {
  const Sheet = doc.defaultView?.CSSStyleSheet;
  if (!Sheet) return;
  const adopted = new Set(doc.adoptedStyleSheets.map((sheet) => cssTextOf.get(sheet)));
  const added: CSSStyleSheet[] = [];
  for (const css of cssTexts) {
    if (adopted.has(css)) continue;
    const sheet = new Sheet();
    sheet.replaceSync(css);
    cssTextOf.set(sheet, css);
    added.push(sheet);
  }
  if (added.length > 0) doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, ...added];
}

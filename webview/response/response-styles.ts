// Styles of the response panel (adopted with the base sheet, see ../styles.ts).
export const responseCss = `
.summary {
  display: flex;
  flex-wrap: wrap;
  align-items: baseline;
  gap: 4px 16px;
  padding: 10px 0 6px;
}
.request-line { font-weight: 600; overflow-wrap: anywhere; }
.summary #target { order: 1; } /* the long target name goes last, so status, time and size stay on one line */
.request-method { color: var(--vscode-symbolIcon-methodForeground, var(--vscode-foreground)); }
.status { font-weight: 600; }
.status-1xx, .status-3xx { color: var(--vscode-charts-blue); }
.status-2xx { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.status-4xx { color: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); }
.status-5xx, .status-other { color: var(--vscode-errorForeground); }
.loading { display: flex; align-items: center; gap: 8px; padding: 12px 0; }
#action-error, #error { margin: 6px 0; }
.toolbar { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin-bottom: 6px; }
#request-actions { justify-content: flex-start; }
.body-view, .headers-view, .logs-view, .request-editor { width: 100%; }
.body-image {
  max-width: 100%;
  height: auto;
  image-rendering: auto;
  background-color: var(--vscode-editorWidget-background);
  border: 1px solid var(--vscode-widget-border, transparent);
}
.execution-tree, .execution-children, .log-lines { list-style: none; margin: 0; padding: 0; }
.execution-children { padding-inline-start: 18px; border-inline-start: 1px solid var(--vscode-tree-indentGuidesStroke, var(--vscode-widget-border, transparent)); margin-inline-start: 8px; }
.execution { margin: 4px 0; }
.execution-head { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; }
.execution-identifier { font-weight: 600; }
.outcome-success > .execution-head .execution-outcome { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.outcome-failure > .execution-head .execution-outcome { color: var(--vscode-errorForeground); }
.outcome-running > .execution-head .execution-outcome { color: var(--vscode-descriptionForeground); }
.execution-error { margin: 4px 0; color: var(--vscode-errorForeground); }
.log-line {
  display: flex;
  gap: 8px;
  padding: 1px 0 1px 4px;
  font-family: var(--vscode-editor-font-family);
  font-size: var(--vscode-editor-font-size);
}
.log-message { white-space: pre-wrap; overflow-wrap: anywhere; flex: 1; }
.log-level { min-width: 4em; }
.level-debug .log-level { color: var(--vscode-descriptionForeground); }
.level-info .log-level { color: var(--vscode-editorInfo-foreground, var(--vscode-charts-blue)); }
.level-warn .log-level, .level-warn .log-message { color: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); }
.level-error .log-level, .level-error .log-message { color: var(--vscode-errorForeground); }
.section-title { font-size: 1.1em; font-weight: 600; margin: 14px 0 4px; }
.request-editor h3 { font-size: inherit; font-weight: 600; margin: 12px 0 4px; }
.editor-line { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 4px 0; }
.header-rows { display: flex; flex-direction: column; gap: 4px; }
.header-row { display: grid; grid-template-columns: minmax(8em, 1fr) 2fr auto; gap: 6px; align-items: center; }
#query, #path-rest { min-width: 20em; }
#body-editor { width: 100%; }
#send-progress { width: 20px; height: 20px; }
#history-toggle { margin-inline-start: auto; }
.history-entries { list-style: none; margin: 0 0 8px; padding: 0; }
.history-entry {
  display: grid;
  grid-template-columns: auto minmax(10em, 2fr) auto auto minmax(6em, 1fr) auto auto;
  align-items: baseline;
  gap: 2px 12px;
  padding: 2px 4px;
}
.history-entry.shown { background: var(--vscode-list-inactiveSelectionBackground); }
.history-request, .history-target { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.stream-list { list-style: none; margin: 0; padding: 0; }
.stream-event, .stream-chunk { padding: 4px 0; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border, transparent)); }
.stream-head { display: flex; align-items: baseline; gap: 10px; }
.stream-offset { min-width: 5em; font-variant-numeric: tabular-nums; }
.stream-event-name { font-weight: 600; }
.stream-data { margin: 2px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.stream-raw { margin-top: 8px; }
.stream-raw > summary { cursor: pointer; color: var(--vscode-descriptionForeground); }
#body-editor::part(control) { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
`;

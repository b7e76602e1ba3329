// Styles of the log panel (adopted with the base sheet and the response panel's, whose execution
// tree the drilldown reuses). The panel fills the view: filters and status on top, the table
// scrolling below, the drilldown beside it (below it when the view is narrow, or tall
// and not wide enough for the table's columns beside it).
export const logsCss = `
html, body { height: 100%; }
body { padding: 0 8px; overflow: hidden; }
#root.logs-panel { display: flex; flex-direction: column; height: 100%; min-height: 0; }
.log-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; padding: 6px 0 4px; }
.log-filters { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; flex: 1 1 auto; }
.toggle-group { display: inline-flex; gap: 2px; }
.filter-toggle { min-width: 2.2em; }
#filter-text { min-width: 14em; }
#filter-request { width: 11em; }
.log-actions { display: inline-flex; gap: 4px; }
.log-status { display: flex; flex-wrap: wrap; gap: 2px 12px; align-items: baseline; padding: 0 0 4px; }
.log-status .source-stored { color: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); }
#log-error { margin: 0 0 4px; }
.log-body { display: flex; flex: 1 1 auto; min-height: 0; gap: 8px; }
#log-scroll { flex: 1 1 60%; min-width: 0; overflow: auto; }
.drilldown { flex: 1 1 40%; min-width: 280px; overflow: auto; border-inline-start: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); padding-inline-start: 8px; }
@media (max-width: 720px), (max-width: 1280px) and (min-height: 480px) {
  .log-body { flex-direction: column; }
  .drilldown { border-inline-start: none; border-top: 1px solid var(--vscode-panel-border, transparent); padding: 4px 0 0; }
}
.drilldown-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; padding: 4px 0; position: sticky; top: 0; background: var(--vscode-panel-background, var(--vscode-editor-background)); }
.drilldown-title { font-size: 1em; font-weight: 600; margin: 0; overflow-wrap: anywhere; }
.drilldown-actions { display: inline-flex; gap: 4px; margin-inline-start: auto; }
#log-table { width: 100%; min-width: 62em; border-collapse: collapse; table-layout: fixed; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
#log-table th { position: sticky; top: 0; z-index: 1; text-align: start; font-weight: 600; padding: 2px 6px; background: var(--vscode-panel-background, var(--vscode-editor-background)); border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); font-family: var(--vscode-font-family); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#log-table td { padding: 1px 6px; vertical-align: top; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#log-table .row-line .col-message { white-space: pre-wrap; overflow-wrap: anywhere; }
#log-table col.c-time { width: 8.5em; }
#log-table col.c-request { width: 6.5em; }
#log-table col.c-kind { width: 2.75em; }
#log-table td.col-kind { text-overflow: clip; }
#log-table col.c-function { width: 16em; }
#log-table col.c-outcome { width: 6em; }
/* Wide enough for its bold header in the UI font, which is wider than the cells' monospace. */
#log-table col.c-duration { width: 6.5em; }
/* The fixed columns take 46.25em; the table's min-width (62em) keeps about 16em for the message
   (the view scrolls sideways when narrower) instead of squeezing it to one character per line. */
/* With the drilldown beside the table (the complement of the query above that stacks them), the
   table fits its half without scrolling sideways: the request id and the duration are in the
   drilldown, so their columns go and the message stays in view. */
@media (min-width: 1281px), (min-width: 721px) and (max-height: 479px) {
  .log-body.drilldown-open #log-table { min-width: 0; }
  .log-body.drilldown-open #log-table :is(col.c-request, col.c-duration, .col-request, .col-duration) { display: none; }
  .log-body.drilldown-open #log-table col.c-function { width: 12em; }
}
.log-row { cursor: pointer; }
.log-row:hover { background: var(--vscode-list-hoverBackground); }
.log-row:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.log-row.selected { background: var(--vscode-list-inactiveSelectionBackground); }
.row-execution { border-top: 1px dotted var(--vscode-widget-border, transparent); }
.col-outcome.level-debug { color: var(--vscode-descriptionForeground); }
.col-outcome.level-info { color: var(--vscode-editorInfo-foreground, var(--vscode-charts-blue)); }
.level-warn .col-outcome, .level-warn .col-message { color: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); }
.level-error .col-outcome, .level-error .col-message { color: var(--vscode-errorForeground); }
.col-outcome.outcome-success { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.row-execution.outcome-failure .col-outcome, .row-execution.outcome-failure .col-message { color: var(--vscode-errorForeground); }
.kind { font-family: var(--vscode-font-family); }
.log-more { display: flex; justify-content: center; gap: 8px; padding: 4px 0; }
.log-empty { padding: 12px 0; }
/* Why a subscribed query ran, before its message; its request link opens that request. */
.run-cause { font-family: var(--vscode-font-family); }
.run-cause .cause-link { font-family: var(--vscode-editor-font-family); }
`;

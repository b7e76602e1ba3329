// Styles of the functions panel (adopted with the base sheet, see ../styles.ts).
export const functionsCss = `
.runtime-status {
  margin: 8px 0;
  padding: 6px 8px;
  border: 1px solid var(--vscode-inputValidation-infoBorder, var(--vscode-focusBorder));
  background: var(--vscode-inputValidation-infoBackground, transparent);
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
.runtime-status[data-kind="failed"] {
  border-color: var(--vscode-inputValidation-errorBorder);
  background: var(--vscode-inputValidation-errorBackground);
}
.runtime-status[data-kind="ready"] {
  border-color: var(--vscode-inputValidation-warningBorder);
  background: var(--vscode-inputValidation-warningBackground);
}
#action-error { margin: 6px 0; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 6px 0; }
#function-filter { min-width: 16em; flex: 1; max-width: 30em; }
.split { display: grid; grid-template-columns: minmax(18em, 1fr) minmax(20em, 1.2fr); gap: 16px; align-items: start; width: 100%; }
.pane { min-width: 0; }
/* Beside a long list the runner stays in view: it sticks to the top and scrolls on its own, so
   Run and its result are on screen wherever the list is scrolled. The toolkit gives the tabs
   overflow-x: auto, which would make them, not the page, the sticky runner's scroller. */
.functions-tabs { overflow: visible; }
.runner-pane { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; box-sizing: border-box; padding-bottom: 8px; }
.pane-title, .module-name { font-size: 1em; font-weight: 600; margin: 10px 0 4px; }
.install-name { display: flex; align-items: baseline; gap: 8px; font-size: 1.05em; font-weight: 600; margin: 14px 0 2px; padding-bottom: 2px; border-bottom: 1px solid var(--vscode-widget-border, transparent); }
.install-kind, .route-origin { font-size: 0.85em; font-weight: normal; }
.table-install { font-size: 1em; margin: 10px 0 2px; }
.install .module-name { margin-inline-start: 4px; }
.toolbar .pane-title { margin: 0; }
.indexes { margin: 2px 0 8px; }
.index-list { list-style: none; margin: 4px 0 0; padding: 0; }
.index-row { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 8px; padding: 1px 4px; }
.index-fields { overflow-wrap: anywhere; }
.rows button.link { justify-self: start; text-align: start; overflow-wrap: anywhere; }
.rows, .documents { list-style: none; margin: 0; padding: 0; }
.row, .list-header {
  display: grid;
  grid-template-columns: minmax(8em, 1fr) repeat(4, 4.5em);
  gap: 4px 8px;
  align-items: center;
  padding: 2px 4px;
}
.list-header { color: var(--vscode-descriptionForeground); font-size: 0.9em; border-bottom: 1px solid var(--vscode-widget-border, transparent); }
.row.selected { background: var(--vscode-list-inactiveSelectionBackground); }
.row:hover { background: var(--vscode-list-hoverBackground); }
.row-name { display: flex; align-items: center; gap: 6px; min-width: 0; overflow-wrap: anywhere; }
.stat { text-align: end; font-variant-numeric: tabular-nums; }
.stat.has-errors { color: var(--vscode-errorForeground); }
.internal-tag { font-size: 0.85em; }
.kind { min-width: 1.4em; text-align: center; }
.table-row { grid-template-columns: 1fr auto; }
.cron-row { padding: 6px 4px; border-bottom: 1px solid var(--vscode-widget-border, transparent); }
.cron-head { display: flex; align-items: center; gap: 6px; }
.cron-name { flex: 1; overflow-wrap: anywhere; }
.cron-detail, .cron-times { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 10px; margin-top: 2px; }
.cron-detail { gap: 0; }
.cron-last.failed, .cron-result.failed { color: var(--vscode-errorForeground); }
.cron-result { margin-top: 2px; overflow-wrap: anywhere; }
.table-row.system .table-select { font-style: italic; }
.live-row, .live-header { grid-template-columns: minmax(12em, 1.5fr) minmax(8em, 1fr) 4em 6.5em 3em; align-items: start; }
.live-name { min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.live-args { min-width: 0; }
.live-args summary { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; cursor: pointer; }
.live-args pre { margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.live-client { display: flex; flex-wrap: wrap; gap: 0 6px; align-items: baseline; }
.live-empty code { user-select: all; }
.file-row { grid-template-columns: minmax(10em, 2fr) 5em minmax(6em, 1fr) 10em auto; }
.file-actions, .document-actions, .runner-actions { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.runner { display: flex; flex-direction: column; gap: 8px; }
.runner-head { display: flex; align-items: center; gap: 8px; font-weight: 600; margin-top: 10px; }
.runner-validator code { overflow-wrap: anywhere; }
#args, #authorization { width: 100%; }
#args::part(control), .document-editor::part(control) { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
#run-progress, #documents-loading, #files-loading, .files-more-loading { width: 20px; height: 20px; }
.result-head { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; margin: 8px 0 4px; }
.result-outcome { font-weight: 600; }
.result-outcome.ok { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.result-outcome.failed, .result-error { color: var(--vscode-errorForeground); }
.section-title { font-size: 1em; font-weight: 600; margin: 12px 0 4px; }
.document { padding: 6px 0; border-bottom: 1px solid var(--vscode-widget-border, transparent); }
.document-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; margin-bottom: 4px; }
.document-id, .file-id { overflow-wrap: anywhere; user-select: all; }
.document-editor { width: 100%; }
.document-error { margin: 4px 0; }
.preview-image {
  max-width: 100%;
  height: auto;
  background-color: var(--vscode-editorWidget-background);
  border: 1px solid var(--vscode-widget-border, transparent);
}
.files-view { grid-template-columns: minmax(24em, 2fr) minmax(14em, 1fr); }
.execution-tree, .execution-children, .log-lines { list-style: none; margin: 0; padding: 0; }
.execution-children { padding-inline-start: 18px; margin-inline-start: 8px; border-inline-start: 1px solid var(--vscode-tree-indentGuidesStroke, transparent); }
.execution-head { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; }
.execution-error { margin: 4px 0; color: var(--vscode-errorForeground); }
.log-line { display: flex; gap: 8px; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
.log-message { white-space: pre-wrap; overflow-wrap: anywhere; flex: 1; }
.level-warn .log-message { color: var(--vscode-editorWarning-foreground, var(--vscode-charts-yellow)); }
.level-error .log-message { color: var(--vscode-errorForeground); }
@media (max-width: 700px) {
  .split, .files-view { grid-template-columns: 1fr; }
  .runner-pane { position: static; max-height: none; overflow-y: visible; }
}
`;

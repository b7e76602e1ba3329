// Styles of the "Act as a user" editor, adopted by the panels that show it.
export const actAsCss = `
.act-as { display: flex; flex-direction: column; gap: 6px; }
.act-as-fields { display: flex; flex-direction: column; gap: 6px; max-width: 40em; }
.act-as-fields[hidden] { display: none; }
.act-as-claims { width: 100%; }
.act-as-claims::part(control) { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
.act-as-notice { margin: 2px 0; }
`;

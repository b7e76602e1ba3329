// Host-side queries behind the functions panel: the function catalog with statistics, the cron
// jobs, running a function like the dashboard does, browsing and editing documents, listing and
// deleting files.
// No `vscode`: the extension's panel host and the tests call these directly.
export { InspectError } from "./inspect-error";
export { FunctionStatsCache } from "./stats-cache";
export { functionCatalog, describeArgs, splitFunctionName, NO_CALLS, type FunctionCatalog, type FunctionEntry, type FunctionStats, type RouteEntry } from "./function-catalog";
export { cronCatalog, type CronEntry, type CronLastRun } from "./cron-catalog";
export { runForInspector, bearerToken, type InspectorCall, type InspectorRun } from "./run-function";
export { listTables, pageDocuments, replaceDocument, deleteDocument, MAX_PAGE_SIZE, type DocumentEntry, type DocumentPage, type InspectableStore, type TableSummary } from "./documents";
export { pageFiles, findFile, previewFile, readFile, deleteFile, fileUrl, PREVIEW_LIMIT, type FileEntry, type FilePage, type FilePreview } from "./files";

// Host-side queries behind the functions panel: the function catalog with statistics (every
// install's), the cron jobs, running a function like the dashboard does, browsing and editing
// each install's documents, listing and deleting each install's files.
// No `vscode`: the extension's panel host and the tests call these directly.
export { InspectError } from "./inspect-error";
export { FunctionStatsCache } from "./stats-cache";
export { compareInstalls, qualifiedIdentifier } from "./installs";
export {
  functionCatalog,
  describeArgs,
  splitFunctionName,
  NO_CALLS,
  type FunctionCatalog,
  type FunctionEntry,
  type FunctionStats,
  type RouteEntry,
} from "./function-catalog";
export { cronCatalog, type CronEntry, type CronLastRun } from "./cron-catalog";
export { runForInspector, bearerToken, type InspectorCall, type InspectorRun } from "./run-function";
export {
  listTables,
  pageDocuments,
  replaceDocument,
  deleteDocument,
  installName,
  MAX_PAGE_SIZE,
  type DocumentEntry,
  type DocumentPage,
  type InspectableStore,
  type TableSummary,
} from "./documents";
export {
  pageFiles,
  fileGroups,
  findFile,
  noSuchFile,
  previewFile,
  readFile,
  deleteFile,
  fileUrl,
  PREVIEW_LIMIT,
  type FileEntry,
  type FilePage,
  type FilePreview,
} from "./files";

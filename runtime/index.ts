// The runtime's public surface: everything the extension (and any other host) may use. The runtime
// itself is free to reorganize behind it; extension/ imports nothing else from runtime/, and the
// linter enforces that (biome.jsonc, noRestrictedImports). The CLI (runtime/cli) lives inside the
// runtime and may import its files directly.

// Serving: start the runtime on a project, and what it tells its host.
export type { PersistencePart } from "./host/persistence-health";
export type { Runtime, RuntimeState } from "./host/runtime";
export { findFunctionsDir, findHttpFile } from "./loader/functions-dir";
export { startServing } from "./serve";
export type { Serving } from "./serve";
export type { SyncFeature } from "./sync/index";
export { joinChunks } from "./shared/join-chunks";
export type { RouteInfo } from "./shared/protocol";
export type { JSONValue } from "./store/types";

// Logs: the store the panels read, and its paged queries.
export { LOG_LEVELS } from "./logs/log-line";
export {
  UDF_TYPES,
  compareRows,
  finishedExecutions,
  linesBetween,
  loggedFunctions,
  newestCursor,
  pageRows,
  requestTrace,
} from "./logs/log-queries";
export type { LogCursor, LogFilter, LogPage, LogReader, LogRow, RequestTrace } from "./logs/log-queries";
export { LogStore } from "./logs/log-store";
export type { LogStoreEvent } from "./logs/log-store";

// Inspect: what the functions panel shows and does (functions, data, files, crons).
export {
  FunctionStatsCache,
  InspectError,
  cronCatalog,
  deleteDocument,
  deleteFile,
  fileGroups,
  fileUrl,
  findFile,
  functionCatalog,
  installName,
  listTables,
  noSuchFile,
  pageDocuments,
  pageFiles,
  previewFile,
  replaceDocument,
  runForInspector,
} from "./inspect";
export type { CronService } from "./scheduler/cron-service";

// Routes: the routes declared in source, the requests their handlers expect, and the route lint.
export { findRouteSources, paramPlaceholder, queryTemplate } from "./routes/route-source";
export type { ParamRead, RequestReads, RouteSourceResult, SourceRoute } from "./routes/route-source";
export { lintHttpFile } from "./routes/route-lint";
export type { LintCode, LintFinding, LintRange, LintRelated } from "./routes/route-lint";

// Auth: finding auth.config.ts, the dev issuer, and explaining a token.
export { locateAuthConfig } from "./auth/config-file";
export { DEV_JWKS_PATH } from "./auth/dev-issuer";
export type { DevIdentity } from "./auth/dev-issuer";
export { explainToken } from "./auth/explain-token";
export type { AuthConfigInput, TokenExplanation, TokenFinding } from "./auth/explain-token";

// .http files: parsing, variables, assertions, and event streams.
export { evaluateAssertion } from "./http-files/assertions";
export { EventStreamParser, isEventStream } from "./http-files/event-stream";
export {
  HttpFileWriteError,
  parseHttpFile,
  requestAtLine,
  serializeHttpFile,
  serializeRequest,
  variablesFor,
} from "./http-files/http-file";
export type { HttpRequestEntry, HttpRequestToWrite, ParsedHttpFile } from "./http-files/http-file";
export { evaluateJsInVm } from "./http-files/run-requests";
export { VariableError, resolveVariables } from "./http-files/variables";
export type { VariableSources } from "./http-files/variables";

// The debugger endpoint for the functions' worker threads (Debug request, `serve --inspect`).
export { debuggableWorkers } from "./debug/debuggable-workers";
export { openInspector } from "./debug/inspector-server";
export type { InspectorEndpoint } from "./debug/inspector-server";

// Snapshots: `npx convex export` ZIPs into a data folder (built aside, swapped in whole) and out.
export { exportDataFolder, exportSnapshot } from "./snapshot/export-snapshot";
export type { ExportSummary } from "./snapshot/export-snapshot";
export { dataToReplace, prepareImport } from "./snapshot/import-snapshot";
export type { ImportSummary, PreparedImport } from "./snapshot/import-snapshot";
export type { DataCount } from "./snapshot/data-folder";
export { renumberedNote, snapshotCounts } from "./snapshot/summary-text";

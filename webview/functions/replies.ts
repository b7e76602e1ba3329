// Shape checks of what the host sends the functions panel: its state, and the reply value of each
// request. A value that fails its check is shown as an error instead of breaking the panel.
import type {
  CronEntryView,
  CronLastRunView,
  CronRunView,
  DocumentPageView,
  DocumentView,
  FilePageView,
  FilePreviewView,
  FileView,
  FunctionEntryView,
  FunctionsPanelState,
  FunctionStatsView,
  RouteEntryView,
  RunResultView,
  IndexView,
  LiveQueriesView,
  LiveQueryView,
  TableView,
} from "../protocol/functions";

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === "string";
const isNumber = (value: unknown): value is number => typeof value === "number";
const isStringOrNull = (value: unknown): value is string | null => value === null || typeof value === "string";
const isNumberOrNull = (value: unknown): value is number | null => value === null || typeof value === "number";
const arrayOf = <T>(value: unknown, check: (item: unknown) => item is T): value is T[] => Array.isArray(value) && value.every(check);

function isStats(value: unknown): value is FunctionStatsView {
  return isObject(value) && isNumber(value.calls) && isNumber(value.errors) && isNumberOrNull(value.p50Ms) && isNumberOrNull(value.p95Ms);
}

function isFunctionEntry(value: unknown): value is FunctionEntryView {
  return (
    isObject(value) &&
    isString(value.component) &&
    isString(value.name) &&
    isString(value.module) &&
    isString(value.functionName) &&
    (value.udfType === "query" || value.udfType === "mutation" || value.udfType === "action") &&
    (value.visibility === "public" || value.visibility === "internal") &&
    isStringOrNull(value.args) &&
    isStats(value.stats)
  );
}

function isRouteEntry(value: unknown): value is RouteEntryView {
  return (
    isObject(value) &&
    isString(value.method) &&
    isString(value.path) &&
    (value.kind === "exact" || value.kind === "prefix") &&
    isStringOrNull(value.component) &&
    isStringOrNull(value.addedBy) &&
    isStats(value.stats)
  );
}

function isCronLastRun(value: unknown): value is CronLastRunView {
  return (
    isObject(value) &&
    isNumber(value.at) &&
    (value.outcome === "success" || value.outcome === "failure") &&
    isStringOrNull(value.error) &&
    typeof value.manual === "boolean" &&
    isNumber(value.skipped)
  );
}

function isCronEntry(value: unknown): value is CronEntryView {
  return (
    isObject(value) &&
    isString(value.component) &&
    isString(value.identifier) &&
    isString(value.functionName) &&
    (value.udfType === null || value.udfType === "mutation" || value.udfType === "action") &&
    isString(value.schedule) &&
    isString(value.args) &&
    isNumber(value.nextRun) &&
    typeof value.running === "boolean" &&
    (value.lastRun === null || isCronLastRun(value.lastRun))
  );
}

export function isCronRun(value: unknown): value is CronRunView {
  return (
    isObject(value) &&
    isString(value.requestId) &&
    isString(value.identifier) &&
    (value.outcome === "success" || value.outcome === "failure") &&
    isStringOrNull(value.error) &&
    Array.isArray(value.executions)
  );
}

export function isFunctionsPanelState(value: unknown): value is FunctionsPanelState {
  if (!isObject(value) || !isObject(value.runtime)) return false;
  const runtime = value.runtime;
  const runtimeOk =
    runtime.kind === "untrusted" ||
    runtime.kind === "stopped" ||
    runtime.kind === "starting" ||
    (runtime.kind === "failed" && isString(runtime.message)) ||
    (runtime.kind === "ready" && isStringOrNull(runtime.notice));
  return runtimeOk && arrayOf(value.functions, isFunctionEntry) && arrayOf(value.routes, isRouteEntry) && arrayOf(value.crons, isCronEntry);
}

function isLiveQuery(value: unknown): value is LiveQueryView {
  return (
    isObject(value) &&
    isNumber(value.session) &&
    isString(value.client) &&
    isString(value.component) &&
    isString(value.name) &&
    value.args !== undefined &&
    isNumber(value.runs) &&
    isNumberOrNull(value.updatedAt)
  );
}

export function isLiveQueries(value: unknown): value is LiveQueriesView {
  return isObject(value) && isStringOrNull(value.apiUrl) && arrayOf(value.queries, isLiveQuery);
}

export function isRunResult(value: unknown): value is RunResultView {
  return (
    isObject(value) &&
    isString(value.requestId) &&
    isString(value.component) &&
    isString(value.name) &&
    (value.outcome === "success" || value.outcome === "failure") &&
    isStringOrNull(value.result) &&
    isStringOrNull(value.error) &&
    isStringOrNull(value.errorData) &&
    isNumber(value.durationMs) &&
    Array.isArray(value.executions)
  );
}

function isIndex(value: unknown): value is IndexView {
  return (
    isObject(value) &&
    isString(value.name) &&
    (value.kind === "database" || value.kind === "search" || value.kind === "vector") &&
    arrayOf(value.fields, isString) &&
    isStringOrNull(value.detail) &&
    typeof value.staged === "boolean"
  );
}

function isTable(value: unknown): value is TableView {
  return (
    isObject(value) &&
    isString(value.component) &&
    isString(value.name) &&
    isNumber(value.documents) &&
    typeof value.system === "boolean" &&
    arrayOf(value.indexes, isIndex)
  );
}

export const isTableList = (value: unknown): value is TableView[] => arrayOf(value, isTable);

export function isDocumentView(value: unknown): value is DocumentView {
  return isObject(value) && isString(value.id) && isNumber(value.creationTime) && isString(value.fields);
}

export function isDocumentPage(value: unknown): value is DocumentPageView {
  return (
    isObject(value) &&
    isString(value.component) &&
    isString(value.table) &&
    arrayOf(value.documents, isDocumentView) &&
    isStringOrNull(value.continueCursor)
  );
}

function isFileView(value: unknown): value is FileView {
  return (
    isObject(value) &&
    isString(value.id) &&
    isNumber(value.size) &&
    isStringOrNull(value.contentType) &&
    isString(value.sha256) &&
    isNumber(value.creationTime)
  );
}

export function isFilePage(value: unknown): value is FilePageView {
  return isObject(value) && isString(value.component) && arrayOf(value.files, isFileView) && isStringOrNull(value.continueCursor);
}

export const isFileGroups = (value: unknown): value is FilePageView[] => arrayOf(value, isFilePage);

export function isFilePreview(value: unknown): value is FilePreviewView {
  if (!isObject(value)) return false;
  if (value.kind === "image") return isString(value.contentType) && isString(value.base64);
  if (value.kind === "text") return isString(value.text);
  return value.kind === "none" && isString(value.reason);
}

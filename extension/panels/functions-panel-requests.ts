// What the functions panel's host does for each webview request, and the state it shows, over the
// runtime and a few effects the vscode side supplies (clipboard, dialogs, commands). No `vscode`
// import: tests drive it with a real runtime and fake effects.
import type { Runtime } from "../../runtime";
import type { CronService } from "../../runtime";
import {
  cronCatalog,
  deleteDocument,
  deleteFile,
  fileGroups,
  fileUrl,
  findFile,
  functionCatalog,
  installName,
  noSuchFile,
  type FunctionStatsCache,
  InspectError,
  listTables,
  pageDocuments,
  pageFiles,
  previewFile,
  replaceDocument,
  runForInspector,
} from "../../runtime";
import type { JSONValue, SyncFeature } from "../../runtime";
import type {
  FunctionsPanelState,
  FunctionsReplies,
  FunctionsRequest,
  FunctionsRuntimeView,
  LiveQueriesView,
} from "../../webview/protocol/functions";
import type { JsonValue } from "../../webview/protocol/core";
import { executionsOf } from "../requests/send-request";
import type { SessionState } from "../runtime-session";

export const DOCUMENT_PAGE_SIZE = 25;
export const FILE_PAGE_SIZE = 25;

/** The runtime as the panel sees it: no session in an untrusted workspace. */
export interface FunctionsSource {
  readonly session: {
    readonly state: SessionState;
    readonly serving: {
      readonly runtime: Runtime;
      readonly crons?: CronService;
      /** The API origin and the live queries of its sync WebSocket. */
      readonly api?: { readonly url: string };
      readonly sync?: Pick<SyncFeature, "subscriptions">;
    } | null;
  } | null;
}

/** What only VS Code can do. Each returns once the user has answered. */
export interface FunctionsEffects {
  openRoute(routeKey: string): Promise<void>;
  copyText(text: string): Promise<void>;
  /** A modal question; true when the user chose `action`. */
  confirm(message: string, action: string): Promise<boolean>;
  /** Asks where to save the file and streams it there from `url`; false when the user cancelled. */
  download(storageId: string, url: string, contentType: string | null): Promise<boolean>;
}

export function runtimeView(source: FunctionsSource): FunctionsRuntimeView {
  const session = source.session;
  if (!session) return { kind: "untrusted" };
  const state = session.state;
  const serving = session.serving?.runtime.ready === true;
  switch (state.kind) {
    case "ready":
      return serving ? { kind: "ready", notice: null } : { kind: "starting" };
    case "build-failed":
      return serving
        ? { kind: "ready", notice: "The latest build failed (see the Problems view); the previous build keeps serving." }
        : { kind: "failed", message: "The project does not build yet: see the Problems view." };
    case "starting":
      return { kind: "starting" };
    case "failed":
      return { kind: "failed", message: state.message };
    case "stopped":
      return { kind: "stopped" };
  }
}

/** The runtime when it can run functions and serve data, else an error saying why not. */
export function requireRuntime(source: FunctionsSource): Runtime {
  const view = runtimeView(source);
  const runtime = source.session?.serving?.runtime;
  if (view.kind === "ready" && runtime) return runtime;
  switch (view.kind) {
    case "untrusted":
      throw new InspectError("Convex Lens runs this project's code only in a trusted workspace.");
    case "stopped":
      throw new InspectError("The Convex Lens runtime is stopped. Run 'Convex Lens: Start runtime'.");
    case "starting":
      throw new InspectError("The Convex Lens runtime is still starting; try again in a moment.");
    case "failed":
      throw new InspectError(view.message);
    case "ready":
      throw new InspectError("The Convex Lens runtime is stopped.");
  }
}

/** What the panel shows; with a cache, only the functions that ran since are read again. */
export function panelState(source: FunctionsSource, stats?: FunctionStatsCache): FunctionsPanelState {
  const runtime = runtimeView(source);
  const project = source.session?.serving?.runtime.project ?? null;
  if (runtime.kind !== "ready" || !project) return { runtime, functions: [], routes: [], crons: [] };
  const serving = source.session!.serving!;
  const logs = serving.runtime.logs;
  const { functions, routes } = functionCatalog(project, stats ? stats.current(logs) : logs.executionStats());
  return { runtime, functions, routes, crons: cronCatalog(serving.crons?.list() ?? [], project) };
}

/** The Live queries tab: every subscribed query of every open sync connection, and where apps connect. */
export function liveQueriesView(source: FunctionsSource): LiveQueriesView {
  const serving = source.session?.serving;
  if (runtimeView(source).kind !== "ready" || !serving?.sync) return { apiUrl: null, queries: [] };
  return {
    apiUrl: serving.api?.url ?? null,
    queries: serving.sync.subscriptions().map((query) => ({
      session: query.session,
      client: query.client,
      component: query.componentPath,
      name: query.udfPath,
      args: query.args as JsonValue,
      runs: query.runs,
      updatedAt: query.updatedAt,
    })),
  };
}

/** Handles one request; the result is the reply's value. Throws with the message to show. */
export async function handleFunctionsRequest<T extends FunctionsRequest>(
  message: T,
  source: FunctionsSource,
  effects: FunctionsEffects,
): Promise<FunctionsReplies[T["type"]]> {
  checkRequest(message);
  return (await dispatch(message, source, effects)) as FunctionsReplies[T["type"]];
}

async function dispatch(
  message: FunctionsRequest,
  source: FunctionsSource,
  effects: FunctionsEffects,
): Promise<FunctionsReplies[FunctionsRequest["type"]]> {
  switch (message.type) {
    case "refreshFunctions":
      return null;
    case "copyText":
      await effects.copyText(message.text);
      return null;
    case "openRoute":
      await effects.openRoute(message.route);
      return null;
    case "runFunction": {
      const runtime = requireRuntime(source);
      const run = await runForInspector(runtime, {
        component: message.component,
        name: message.name,
        args: message.args as JSONValue,
        authorization: message.authorization,
      });
      return { ...run, executions: executionsOf(runtime.logs, run.requestId) };
    }
    case "runCron": {
      const runtime = requireRuntime(source);
      const crons = source.session?.serving?.crons;
      if (!crons) throw new InspectError("This runtime runs no cron jobs.");
      const run = await crons.runNow(message.component, message.identifier);
      return { ...run, identifier: message.identifier, executions: executionsOf(runtime.logs, run.requestId) };
    }
    case "listTables":
      return listTables(requireRuntime(source).store);
    case "pageDocuments":
      return pageDocuments(requireRuntime(source).store, message.component, message.table, message.cursor, DOCUMENT_PAGE_SIZE);
    case "replaceDocument":
      return replaceDocument(
        requireRuntime(source).store,
        message.component,
        message.table,
        message.documentId,
        message.fields as JSONValue,
      );
    case "deleteDocument": {
      const runtime = requireRuntime(source);
      const where = message.component === "" ? message.table : `${message.table} of ${installName(message.component)}`;
      if (!(await effects.confirm(`Delete document ${message.documentId} from ${where}? This cannot be undone.`, "Delete"))) return false;
      await deleteDocument(runtime.store, message.component, message.table, message.documentId);
      return true;
    }
    case "listFiles":
      return fileGroups(requireRuntime(source).store, FILE_PAGE_SIZE);
    case "pageFiles":
      return pageFiles(requireRuntime(source).store, message.component, message.cursor, FILE_PAGE_SIZE);
    case "previewFile":
      return previewFile(requireRuntime(source), message.component, message.storageId);
    case "downloadFile": {
      const runtime = requireRuntime(source);
      const file = await findFile(runtime.store, message.component, message.storageId);
      if (!file) throw noSuchFile(message.component, message.storageId);
      return effects.download(file.id, fileUrl(runtime, file.id), file.contentType);
    }
    case "deleteFile": {
      const runtime = requireRuntime(source);
      const of = message.component === "" ? "" : ` of ${installName(message.component)}`;
      if (!(await effects.confirm(`Delete file ${message.storageId}${of}? Its bytes are removed too; this cannot be undone.`, "Delete")))
        return false;
      await deleteFile(runtime, message.component, message.storageId);
      return true;
    }
  }
}

const isString = (value: unknown): value is string => typeof value === "string";
const isCursor = (value: unknown): value is string | null => value === null || typeof value === "string";

/** The webview is ours, but its messages are still data: a malformed one is refused by name. */
function checkRequest(message: FunctionsRequest): void {
  const fields = message as unknown as Record<string, unknown>;
  const ok = (() => {
    switch (message.type) {
      case "runFunction":
        return (
          isString(fields.component) &&
          isString(fields.name) &&
          (fields.authorization === null || isString(fields.authorization)) &&
          fields.args !== undefined
        );
      case "openRoute":
        return isString(fields.route);
      case "runCron":
        return isString(fields.component) && isString(fields.identifier);
      case "copyText":
        return isString(fields.text);
      case "pageDocuments":
        return isString(fields.component) && isString(fields.table) && isCursor(fields.cursor);
      case "replaceDocument":
        return isString(fields.component) && isString(fields.table) && isString(fields.documentId) && fields.fields !== undefined;
      case "deleteDocument":
        return isString(fields.component) && isString(fields.table) && isString(fields.documentId);
      case "pageFiles":
        return isString(fields.component) && isCursor(fields.cursor);
      case "previewFile":
      case "downloadFile":
      case "deleteFile":
        return isString(fields.component) && isString(fields.storageId);
      case "refreshFunctions":
      case "listTables":
      case "listFiles":
        return true;
    }
  })();
  if (!ok) throw new InspectError(`The panel sent a malformed "${message.type}" request.`);
}

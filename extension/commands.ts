// Every command in one table of small factories `(ctx) => handler`. A command that needs the
// runtime explains why it cannot run instead of throwing.
import * as vscode from "vscode";
import type { EditableRequest } from "../webview/protocol/response";
import { defaultRequest, requestUrl, toCurl, RequestError } from "./requests/request-builder";
import { routeKey, type RouteEntry } from "./routes/route-model";
import type { RouteIndex } from "./routes/route-index";
import type { RuntimeSession } from "./runtime-session";
import { ResponsePanels } from "./panels/response-panels";
import { SendHistory } from "./requests/send-history";
import { readConfig, readRequestsConfig } from "./config";
import type { TargetSwitch } from "./targets/target-switch";
import { exportTestFile, saveRequestFile } from "./requests/request-files";
import { sendHttpFileRequest } from "./requests/send-http-file";
import type { SendResult } from "./requests/send-request";
import { ReportPanels } from "./panels/report-panel";
import { decodeToken } from "./auth/decode-token-command";
import { corsDoctorForRoute, pickRoute } from "./cors/cors-doctor-command";
import { FunctionsPanel } from "./panels/functions-panel";
import { revealSource } from "./reveal-source";
import { FunctionsDebugger } from "./debug/functions-debugger";
import { exportSnapshotCommand, importSnapshotCommand } from "./snapshot-commands";

const DEBUG_NEEDS_RUNTIME = "Debug request runs your functions in the local Convex Lens runtime: switch the target to it first.";

export interface CommandContext {
  extension: vscode.ExtensionContext;
  index: RouteIndex;
  /** Null in an untrusted workspace: nothing may run the project's code. */
  session: RuntimeSession | null;
  output: vscode.LogOutputChannel;
  start(): Promise<void>;
  /** Where requests go: the runtime, a local backend, the deployment of .env.local. */
  targets: TargetSwitch;
}

type RouteArgument = string | { route?: RouteEntry } | undefined;

const MEMORY_PREFIX = "convexLens.request:";

function explainUntrusted(): void {
  void vscode.window
    .showWarningMessage(
      "Convex Lens runs this project's code only in a trusted workspace. Trust it to send requests.",
      "Manage Workspace Trust",
    )
    .then((choice) => choice && vscode.commands.executeCommand("workbench.trust.manage"));
}

function resolveRoute(ctx: CommandContext, argument: RouteArgument): RouteEntry | undefined {
  const key = typeof argument === "string" ? argument : argument?.route ? routeKey(argument.route) : undefined;
  const route = key ? ctx.index.find(key) : undefined;
  if (!route)
    void vscode.window.showWarningMessage(
      key ? `Convex Lens no longer knows the route ${key}; was it removed?` : "Pick a route in the Routes view or a CodeLens.",
    );
  return route;
}

function rememberedRequest(ctx: CommandContext, route: RouteEntry): EditableRequest {
  const saved = ctx.extension.workspaceState.get<EditableRequest>(MEMORY_PREFIX + routeKey(route));
  return saved && saved.method === route.method && saved.routePath === route.path ? saved : defaultRequest(route);
}

/** Prefix routes ask for the rest of the path (remembered from last time). */
async function askPathRest(route: RouteEntry, request: EditableRequest): Promise<EditableRequest | undefined> {
  if (route.kind !== "prefix") return request;
  const prefix = route.path.slice(0, -1);
  const rest = await vscode.window.showInputBox({
    title: `${route.method} ${route.path}`,
    prompt: `The rest of the path after ${prefix}`,
    value: request.pathRest,
    valueSelection: [0, request.pathRest.length],
  });
  return rest === undefined ? undefined : { ...request, pathRest: rest };
}

// biome-ignore lint/suspicious/noExplicitAny: each command takes what VS Code passes it (a tree item, a URI, nothing), as registerCommand types it.
export function createCommands(ctx: CommandContext): Record<string, (...args: any[]) => unknown> {
  // One functions panel per window; it says itself when the runtime is stopped or untrusted.
  let functionsPanel: FunctionsPanel | null = null;
  ctx.extension.subscriptions.push({ dispose: () => functionsPanel?.dispose() });
  // Reports (CORS doctor, Decode token) beside the editor, one per report key.
  const reports = new ReportPanels();
  ctx.extension.subscriptions.push(reports);
  const siteUrl = (): string | null => ctx.session?.serving?.site.url ?? null;
  let functionsDebugger: FunctionsDebugger | null = null;
  ctx.extension.subscriptions.push({ dispose: () => functionsDebugger?.dispose() });

  const needsRuntime = async (): Promise<string | null> => {
    if (!ctx.session) {
      explainUntrusted();
      return null;
    }
    if (!siteUrl()) {
      const choice = await vscode.window.showWarningMessage("The Convex Lens runtime is stopped.", "Start runtime");
      if (choice) await ctx.start();
    }
    return siteUrl();
  };

  /** The current target once requests can go there (the runtime started if it is the target). */
  const readyTarget = async () => {
    if (!ctx.session) {
      explainUntrusted();
      return null;
    }
    if (ctx.targets.kind === "runtime" && !(await needsRuntime())) return null;
    const target = ctx.targets.current();
    if (!target.siteUrl) {
      const choice = await vscode.window.showWarningMessage(target.unavailable ?? `${target.label} cannot be used now.`, "Switch target");
      if (choice) await ctx.targets.pick();
      return null;
    }
    return target;
  };

  /** VS Code's JavaScript debugger on the functions of the local runtime; throws with what to do when it cannot. */
  const attachDebugger = async (): Promise<void> => {
    if (!ctx.session || ctx.targets.kind !== "runtime") throw new Error(DEBUG_NEEDS_RUNTIME);
    functionsDebugger ??= new FunctionsDebugger(ctx.session.projectDir, vscode.Uri.joinPath(ctx.extension.extensionUri, "dist").fsPath);
    if (!(await functionsDebugger.attach())) {
      throw new Error(
        "Convex Lens could not start VS Code's JavaScript debugger (is the built-in JavaScript Debugger extension enabled?).",
      );
    }
  };

  // The response panel(s) and the history of sends they show.
  const responses = new ResponsePanels({
    panel: {
      extensionUri: ctx.extension.extensionUri,
      session: ctx.session!,
      remember: (r, req) => void ctx.extension.workspaceState.update(MEMORY_PREFIX + routeKey(r), req),
      onStatus: (r, status) => ctx.index.setLastStatus(r, status),
      target: () => ctx.targets.current(),
      attachDebugger,
      saveRequest: (r, req, status) =>
        saveRequestFile({
          projectDir: ctx.targets.projectDir,
          config: readRequestsConfig(),
          siteUrl: siteUrl() ?? `http://127.0.0.1:${readConfig().sitePort}`,
          route: r,
          request: req,
          status,
        }),
      exportTest: (r, req, response, target) =>
        exportTestFile({
          functionsDir: ctx.index.functionsDir,
          projectDir: ctx.targets.projectDir,
          route: r,
          request: req,
          response,
          target,
        }),
    },
    history: new SendHistory(ctx.extension.workspaceState),
    mode: () => readRequestsConfig().responsePanel,
    findRoute: (key) => ctx.index.find(key),
    warn: (message) => ctx.output.warn(message),
  });
  ctx.extension.subscriptions.push(responses);
  const showResponse = (route: RouteEntry, request: EditableRequest): Promise<SendResult | undefined> => responses.show(route, request);
  /** Values typed for `.http` variables without one, for this window. */
  const prompted = new Map<string, string>();

  return {
    "convexLens.start": () => ctx.start(),
    "convexLens.stop": () => ctx.session?.stop(),
    "convexLens.restart": async () => {
      await ctx.session?.stop();
      await ctx.start();
    },
    "convexLens.showOutput": () => ctx.output.show(),
    "convexLens.openFunctions": () => {
      if (functionsPanel) return functionsPanel.reveal();
      functionsPanel = new FunctionsPanel(
        { extensionUri: ctx.extension.extensionUri, session: ctx.session, output: ctx.output },
        () => (functionsPanel = null),
      );
    },
    "convexLens.refreshRoutes": () => ctx.index.refresh(),
    "convexLens.importSnapshot": () =>
      ctx.session ? importSnapshotCommand({ session: ctx.session, output: ctx.output, start: ctx.start }) : explainUntrusted(),
    "convexLens.exportSnapshot": () =>
      ctx.session ? exportSnapshotCommand({ session: ctx.session, output: ctx.output, start: ctx.start }) : explainUntrusted(),
    "convexLens.copySiteUrl": async () => {
      const url = await needsRuntime();
      if (url) {
        await vscode.env.clipboard.writeText(url);
        void vscode.window.showInformationMessage(`Copied ${url}`);
      }
    },
    "convexLens.openDataFolder": async () => {
      const dir = ctx.session?.serving?.runtime.dataDir;
      if (!dir) return void vscode.window.showInformationMessage("Start the runtime first: the data folder is created when it starts.");
      await vscode.commands.executeCommand("revealFileInOS", vscode.Uri.file(dir));
    },
    "convexLens.sendRequest": async (argument: RouteArgument) => {
      const route = resolveRoute(ctx, argument);
      if (!route) return;
      if (!(await readyTarget())) return;
      const request = await askPathRest(route, rememberedRequest(ctx, route));
      if (!request) return;
      await showResponse(route, request);
    },
    "convexLens.debugRequest": async (argument: RouteArgument) => {
      const route = resolveRoute(ctx, argument);
      if (!route) return;
      if (ctx.session && ctx.targets.kind !== "runtime") {
        void vscode.window.showWarningMessage(DEBUG_NEEDS_RUNTIME);
        return;
      }
      if (!(await readyTarget()) || !ctx.session) return;
      const request = await askPathRest(route, rememberedRequest(ctx, route));
      if (!request) return;
      try {
        await attachDebugger();
      } catch (error) {
        void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
        return;
      }
      await showResponse(route, request);
    },
    "convexLens.switchTarget": () => ctx.targets.pick(),
    /** From the CodeLens of a .http file: (document URI, line of the request); else the cursor's request. */
    "convexLens.sendHttpFileRequest": (uri?: string, line?: number) =>
      sendHttpFileRequest({ routes: () => ctx.index.routes, readyTarget, open: showResponse, prompted }, uri, line),
    "convexLens.copyCurl": async (argument: RouteArgument) => {
      const route = resolveRoute(ctx, argument);
      if (!route) return;
      const url = siteUrl() ?? `http://127.0.0.1:${vscode.workspace.getConfiguration("convexLens").get("sitePort", 3311)}`;
      try {
        await vscode.env.clipboard.writeText(toCurl(url, rememberedRequest(ctx, route)));
        void vscode.window.showInformationMessage(`Copied a curl line for ${routeKey(route)}`);
      } catch (error) {
        if (error instanceof RequestError) void vscode.window.showErrorMessage(error.message);
        else throw error;
      }
    },
    "convexLens.copyUrl": async (argument: RouteArgument) => {
      const route = resolveRoute(ctx, argument);
      const url = route && (await needsRuntime());
      if (route && url) await vscode.env.clipboard.writeText(requestUrl(url, rememberedRequest(ctx, route)));
    },
    "convexLens.openInBrowser": async (argument: RouteArgument) => {
      const route = resolveRoute(ctx, argument);
      if (!route) return;
      const url = await needsRuntime();
      if (!url) return;
      const request = await askPathRest(route, rememberedRequest(ctx, route));
      if (request) await vscode.env.openExternal(vscode.Uri.parse(requestUrl(url, request)));
    },
    "convexLens.revealRoute": async (argument: RouteArgument) => {
      const route = resolveRoute(ctx, argument);
      if (!route?.source)
        return void vscode.window.showInformationMessage("This route is made by a helper: no literal route() call declares it.");
      await revealSource(route.source.file, route.source.line, route.source.column);
    },
    "convexLens.decodeToken": (argument?: unknown) => decodeToken({ session: ctx.session, reports }, argument),
    "convexLens.corsDoctor": async (argument: RouteArgument) => {
      const route = argument === undefined ? await pickRoute(ctx.index.routes, "Convex Lens: CORS doctor") : resolveRoute(ctx, argument);
      if (!route) return;
      const url = await needsRuntime();
      if (!url || !ctx.session) return;
      const request = await askPathRest(route, rememberedRequest(ctx, route));
      if (request) await corsDoctorForRoute({ session: ctx.session, memento: ctx.extension.workspaceState, reports }, route, request, url);
    },
  };
}

// Activation only wires: configuration, the runtime session (trusted workspaces only), the route
// index and its views, diagnostics, commands. Two disposal scopes: the extension's subscriptions,
// and the session (which owns the runtime's servers and workers).
import * as vscode from "vscode";
import { findFunctionsDir } from "../runtime";
import { readConfig, RESTART_SETTINGS } from "./config";
import { RuntimeSession } from "./runtime-session";
import { StatusItem } from "./status-item";
import { RouteIndex } from "./routes/route-index";
import { RouteCodeLensProvider } from "./routes/codelens-provider";
import { RoutesTreeProvider } from "./routes/routes-tree";
import { BuildDiagnostics } from "./build-diagnostics";
import { RouteLintDiagnostics } from "./routes/route-lint-provider";
import { createCommands } from "./commands";
import { TargetSwitch } from "./targets/target-switch";
import { HTTP_FILE_SELECTOR, HttpFileCodeLensProvider } from "./requests/http-file-codelens-provider";
import { writeMarker } from "./e2e-markers";
import { LogPanelProvider } from "./panels/log-panel";
import { logPanelCommands } from "./panels/log-panel-commands";

function findProject(): { projectDir: string; functionsDir: string } | null {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const found = findFunctionsDir(folder.uri.fsPath);
    if (found.ok) return { projectDir: folder.uri.fsPath, functionsDir: found.functionsDir };
  }
  return null;
}

let activeSession: RuntimeSession | null = null;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const activatedAt = Date.now();
  const output = vscode.window.createOutputChannel("Convex Lens", { log: true });
  context.subscriptions.push(output);
  const project = findProject();
  if (!project) {
    output.info("No Convex functions folder (convex/ or convex.json) in this workspace.");
    return;
  }
  writeMarker("activated", { projectDir: project.projectDir, at: activatedAt });
  const trusted = vscode.workspace.isTrusted;
  const session = trusted ? new RuntimeSession(project.projectDir, output, () => readConfig()) : null;
  activeSession = session;
  const index = new RouteIndex(project.functionsDir, session);
  context.subscriptions.push(index);
  // Also untrusted: it says Convex Lens is restricted and offers to manage trust.
  context.subscriptions.push(new StatusItem(session));
  if (session) {
    context.subscriptions.push(session, new BuildDiagnostics(session));
    context.subscriptions.push(
      session.onStateChanged((state) => {
        const serving = session.serving;
        writeMarker("runtime", {
          state: state.kind,
          siteUrl: serving?.site.url ?? null,
          apiUrl: serving?.api.url ?? null,
          routes: index.routes.map((r) => `${r.method} ${r.path}`),
          errors: state.kind === "build-failed" ? state.errors : [],
        });
      }),
    );
  }
  const lenses = new RouteCodeLensProvider(index);
  const tree = new RoutesTreeProvider(index, session);
  // Route lint only parses http.ts (no project code runs), so untrusted workspaces get it too.
  context.subscriptions.push(new RouteLintDiagnostics(index, session));
  context.subscriptions.push(
    lenses,
    tree,
    vscode.languages.registerCodeLensProvider(
      [
        { scheme: "file", language: "typescript" },
        { scheme: "file", language: "javascript" },
      ],
      lenses,
    ),
    vscode.window.createTreeView("convexLens.routes", { treeDataProvider: tree, showCollapseAll: true }),
  );

  // Where requests go (remembered per workspace), and "Send with Convex Lens" in .http files.
  const targets = new TargetSwitch(context.workspaceState, project.projectDir, session);
  const httpFileLenses = new HttpFileCodeLensProvider(targets);
  context.subscriptions.push(
    targets,
    httpFileLenses,
    vscode.languages.registerCodeLensProvider(HTTP_FILE_SELECTOR, httpFileLenses),
    targets.onDidChange((target) => writeMarker("target", { kind: target.kind, label: target.label, siteUrl: target.siteUrl })),
  );

  const logPanel = new LogPanelProvider({
    extensionUri: context.extensionUri,
    session,
    projectDir: project.projectDir,
    retention: () => readConfig().logRetention,
  });
  context.subscriptions.push(logPanel, vscode.window.registerWebviewViewProvider(LogPanelProvider.viewType, logPanel));

  const start = async (): Promise<void> => {
    if (!session) {
      void vscode.window.showWarningMessage("Convex Lens runs this project's code only in a trusted workspace.");
      return;
    }
    try {
      await session.start();
    } catch (error) {
      void vscode.window
        .showErrorMessage(`Convex Lens could not start: ${error instanceof Error ? error.message : String(error)}`, "Show output")
        .then((choice) => choice && output.show());
    }
  };
  for (const [id, handler] of Object.entries({
    ...createCommands({ extension: context, index, session, output, start, targets }),
    ...logPanelCommands(logPanel),
  })) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
  // A trust grant mid-session needs a fresh activation to create the session: ask for a reload.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void vscode.window
        .showInformationMessage("Workspace trusted: reload the window to start Convex Lens.", "Reload")
        .then((choice) => choice && vscode.commands.executeCommand("workbench.action.reloadWindow"));
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (session?.serving && RESTART_SETTINGS.some((key) => event.affectsConfiguration(`convexLens.${key}`))) {
        void vscode.window
          .showInformationMessage("Convex Lens: restart the runtime to apply the new settings.", "Restart")
          .then((choice) => choice && vscode.commands.executeCommand("convexLens.restart"));
      }
    }),
  );
  if (session && readConfig().autoStart) void start();
}

/** Waits for the runtime to save its database before VS Code unloads the extension. */
export async function deactivate(): Promise<void> {
  await activeSession?.stop();
  activeSession = null;
}

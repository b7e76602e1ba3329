// Activation only wires: the runtime session, the status bar, the commands.
import * as vscode from "vscode";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { RuntimeSession } from "./runtime-session";
import { StatusItem } from "./status-item";

function findProject(): string | null {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const dir = folder.uri.fsPath;
    if (existsSync(join(dir, "convex")) || existsSync(join(dir, "convex.json"))) return dir;
  }
  return null;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Convex Lens", { log: true });
  context.subscriptions.push(output);
  const projectDir = findProject();
  if (!projectDir) return;
  const config = vscode.workspace.getConfiguration("convexLens");
  const session = new RuntimeSession(projectDir, output, {
    site: config.get<number>("sitePort", 3311),
    api: config.get<number>("apiPort", 3310),
  });
  const status = new StatusItem(session);
  context.subscriptions.push(session, status);

  const requireTrust = (): boolean => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage("Convex Lens runs this project's code: trust the workspace first (Workspaces: Manage Workspace Trust).");
    return false;
  };
  const start = async () => {
    if (!requireTrust()) return;
    try {
      await session.start();
    } catch (error) {
      output.error(String(error instanceof Error ? error.message : error));
      void vscode.window.showErrorMessage(`Convex Lens could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  context.subscriptions.push(
    vscode.commands.registerCommand("convexLens.start", start),
    vscode.commands.registerCommand("convexLens.stop", () => session.stop()),
    vscode.commands.registerCommand("convexLens.restart", async () => {
      await session.stop();
      await start();
    }),
    vscode.commands.registerCommand("convexLens.copySiteUrl", async () => {
      const url = session.serving?.site.url;
      if (!url) return void vscode.window.showInformationMessage("Convex Lens is stopped: start it to get a site URL.");
      await vscode.env.clipboard.writeText(url);
    }),
    vscode.commands.registerCommand("convexLens.openDataFolder", () => {
      const dir = session.serving?.runtime.dataDir ?? join(projectDir, ".convex-lens");
      return vscode.commands.executeCommand("revealFileInOS", vscode.Uri.file(dir));
    }),
    vscode.commands.registerCommand("convexLens.showOutput", () => output.show()),
  );
  if (config.get<boolean>("autoStart", true) && vscode.workspace.isTrusted) await start();
}

export function deactivate(): void {
  // Disposables registered on the context stop the runtime.
}

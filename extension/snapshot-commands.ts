// "Import snapshot…" and "Export snapshot…": a file dialog, a modal confirmation before data is
// replaced, and progress, over the runtime's snapshot functions. The import is read and built
// while the runtime keeps serving; the runtime stops only to swap the new data in, and starts on it.
import * as vscode from "vscode";
import { basename, join } from "node:path";
import { dataToReplace, exportDataFolder, exportSnapshot, prepareImport, renumberedNote, snapshotCounts } from "../runtime";
import type { RuntimeSession } from "./runtime-session";

export interface SnapshotContext {
  session: RuntimeSession;
  output: vscode.LogOutputChannel;
  start(): Promise<void>;
}

const ZIP_FILTER = { "Convex snapshot": ["zip"] };

/** The runtime's data folder (the default one while it is stopped). */
function dataDirOf(session: RuntimeSession): string {
  return session.serving?.runtime.dataDir ?? join(session.projectDir, ".convex-lens");
}

function failed(ctx: SnapshotContext, what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  ctx.output.error(`${what}: ${message}`);
  void vscode.window.showErrorMessage(`${what}: ${message}`);
}

export async function importSnapshotCommand(ctx: SnapshotContext): Promise<void> {
  const [picked] =
    (await vscode.window.showOpenDialog({
      title: "Import a Convex snapshot",
      defaultUri: vscode.Uri.file(ctx.session.projectDir),
      canSelectMany: false,
      filters: ZIP_FILTER,
      openLabel: "Import",
    })) ?? [];
  if (!picked) return;
  const zip = picked.fsPath;
  const dataDir = dataDirOf(ctx.session);
  try {
    const count = await dataToReplace(dataDir, ctx.session.serving?.runtime.store ?? null);
    if (count.documents > 0 || count.files > 0) {
      const choice = await vscode.window.showWarningMessage(
        `Replace the runtime's data with ${basename(zip)}?`,
        {
          modal: true,
          detail: `${dataDir} holds ${count.documents} documents and ${count.files} files. They are deleted and the snapshot's data takes their place; the runtime restarts on it.`,
        },
        "Replace",
      );
      if (choice !== "Replace") return;
    }
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Importing ${basename(zip)}…` },
      async () => {
        const prepared = await prepareImport(zip, dataDir);
        try {
          await ctx.session.stop();
          prepared.install();
        } catch (error) {
          prepared.discard();
          throw error;
        } finally {
          await ctx.start();
        }
        return prepared.summary;
      },
    );
    const note = renumberedNote(summary);
    if (note) ctx.output.info(note);
    ctx.output.info(`Imported ${zip} into ${dataDir}: ${snapshotCounts(summary)}.`);
    void vscode.window.showInformationMessage(
      `Imported ${basename(zip)}: ${snapshotCounts(summary)}.${note ? " Some IDs changed: see the output." : ""}`,
    );
  } catch (error) {
    failed(ctx, "Convex Lens could not import the snapshot", error);
  }
}

export async function exportSnapshotCommand(ctx: SnapshotContext): Promise<void> {
  const day = new Date().toISOString().slice(0, 10);
  const target = await vscode.window.showSaveDialog({
    title: "Export the runtime's data as a Convex snapshot",
    defaultUri: vscode.Uri.file(join(ctx.session.projectDir, `snapshot-${day}.zip`)),
    filters: ZIP_FILTER,
    saveLabel: "Export",
  });
  if (!target) return;
  const zip = target.fsPath;
  try {
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Exporting to ${basename(zip)}…` },
      () => {
        const runtime = ctx.session.serving?.runtime;
        // The save dialog asked before an existing file is replaced.
        return runtime
          ? exportSnapshot({ store: runtime.store, dataDir: runtime.dataDir }, zip, { overwrite: true })
          : exportDataFolder(dataDirOf(ctx.session), zip, { overwrite: true });
      },
    );
    ctx.output.info(`Exported ${dataDirOf(ctx.session)} to ${zip}: ${snapshotCounts(summary)}.`);
    void vscode.window.showInformationMessage(`Exported ${basename(zip)}: ${snapshotCounts(summary)}.`);
  } catch (error) {
    failed(ctx, "Convex Lens could not export the snapshot", error);
  }
}

// Opens the file and line a stack frame names (every panel's "open in editor" on a trace line),
// refusing anything outside the project (`sourceFileIn`).
import * as vscode from "vscode";
import { sourceFileIn } from "./log-panel-messages";

export async function openFrameSource(projectDir: string, file: string, line: number, column: number | null = null): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(sourceFileIn(projectDir, file)));
  const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, (column ?? 1) - 1));
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.One });
}

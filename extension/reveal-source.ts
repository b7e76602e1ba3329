// Shows a line of a source file, in the editor that already has the file when there is one
// (editor-placement.ts), with the cursor on it.
import * as vscode from "vscode";
import { columnFor, type OpenTab } from "./editor-placement";

export async function revealSource(file: string, line: number, column: number): Promise<void> {
  const uri = vscode.Uri.file(file);
  const tabs: OpenTab[] = [];
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString())
        tabs.push({ column: group.viewColumn, visible: tab.isActive, activeGroup: group.isActive });
    }
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const at = new vscode.Position(line, column);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(at, at), viewColumn: columnFor(tabs) });
}

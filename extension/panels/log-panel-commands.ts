// The log panel's commands, as small factories like the table in ../commands.ts; main.ts registers
// them with the others.
import * as vscode from "vscode";
import { LogPanelProvider } from "./log-panel";

export function logPanelCommands(panel: LogPanelProvider): Record<string, () => unknown> {
  return {
    "convexLens.showLogs": () => vscode.commands.executeCommand(`${LogPanelProvider.viewType}.focus`),
    /** Hides the rows shown so far; the log file keeps them. */
    "convexLens.clearLogs": () => panel.clear(),
  };
}

// The one place settings are read: `convexLens.*` → a plain options object for the runtime.
// The runtime never reads VS Code settings itself.
import * as vscode from "vscode";
import { mapConfig, mapRequestsConfig, type LensConfig, type RequestsConfig } from "./config-mapping";

export function readConfig(scope?: vscode.ConfigurationScope): LensConfig {
  const section = vscode.workspace.getConfiguration("convexLens", scope);
  return mapConfig((key, fallback) => section.get(key, fallback));
}

export function readRequestsConfig(scope?: vscode.ConfigurationScope): RequestsConfig {
  const section = vscode.workspace.getConfiguration("convexLens", scope);
  return mapRequestsConfig((key, fallback) => section.get(key, fallback));
}

export { RESTART_SETTINGS, type LensConfig, type RequestsConfig } from "./config-mapping";

// The Routes view: one row per route (a path with several methods groups them), grouped by source
// file or component when there are many (route-groups.ts), method and last status on each, the
// build's state on top when it failed or the workspace is untrusted. Renders the RouteIndex.
import * as vscode from "vscode";
import { routeKey, type RouteEntry } from "./route-model";
import { routeTree, type OriginGroup, type RouteNode } from "./route-groups";
import type { RouteIndex } from "./route-index";
import type { RuntimeSession } from "../runtime-session";

type Item =
  | { kind: "notice"; label: string; detail: string; icon: string; command?: vscode.Command }
  | OriginGroup
  | (RouteNode & { kind: "path"; origin: string })
  | { kind: "route"; route: RouteEntry };

const METHOD_ICONS: Record<string, string> = {
  GET: "arrow-down",
  POST: "arrow-up",
  PUT: "arrow-swap",
  PATCH: "edit",
  DELETE: "trash",
  OPTIONS: "question",
};

const ORIGIN_ICONS: Record<OriginGroup["origin"], string> = {
  file: "file-code",
  helpers: "tools",
  package: "extensions",
  component: "package",
};

export class RoutesTreeProvider implements vscode.TreeDataProvider<Item>, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<Item | undefined>();
  readonly onDidChangeTreeData = this.#changed.event;
  readonly #subscriptions: vscode.Disposable[];

  constructor(
    private readonly index: RouteIndex,
    private readonly session: RuntimeSession | null,
  ) {
    this.#subscriptions = [index.onDidChange(() => this.#changed.fire(undefined))];
    if (session) this.#subscriptions.push(session.onStateChanged(() => this.#changed.fire(undefined)));
  }

  getChildren(item?: Item): Item[] {
    if (item?.kind === "path") return item.routes.map((route) => ({ kind: "route", route }));
    if (item?.kind === "origin") return item.nodes.map((node) => withOrigin(node, item.id));
    if (item) return [];
    const top: Item[] = [];
    const state = this.session?.state;
    if (!this.session) {
      top.push({
        kind: "notice",
        label: "Workspace not trusted",
        detail: "Routes are read from the source; trust the workspace to run them",
        icon: "shield",
        command: { title: "Manage Workspace Trust", command: "workbench.trust.manage" },
      });
    } else if (state?.kind === "build-failed") {
      const first = state.errors[0];
      top.push({
        kind: "notice",
        label: `Build failed: ${first ? first.text.split("\n")[0] : "see the Problems view"}`,
        detail: state.serving ? "the last good build keeps serving" : "nothing is serving yet",
        icon: "error",
        command: { title: "Show Problems", command: "workbench.actions.view.problems" },
      });
    } else if (state?.kind === "failed") {
      top.push({
        kind: "notice",
        label: `Runtime failed to start: ${state.message}`,
        detail: "",
        icon: "error",
        command: { title: "Show output", command: "convexLens.showOutput" },
      });
    } else if (state?.kind === "stopped") {
      top.push({
        kind: "notice",
        label: "Runtime stopped",
        detail: "click to start",
        icon: "debug-start",
        command: { title: "Start", command: "convexLens.start" },
      });
    }
    for (const node of routeTree(this.index.routes, (file) => vscode.workspace.asRelativePath(file)))
      top.push(node.kind === "origin" ? node : withOrigin(node, ""));
    return top;
  }

  getTreeItem(item: Item): vscode.TreeItem {
    if (item.kind === "notice") {
      const tree = new vscode.TreeItem(item.label, vscode.TreeItemCollapsibleState.None);
      tree.description = item.detail;
      tree.tooltip = `${item.label}\n${item.detail}`;
      tree.iconPath = new vscode.ThemeIcon(item.icon);
      if (item.command) tree.command = item.command;
      tree.contextValue = "notice";
      return tree;
    }
    if (item.kind === "origin") {
      const tree = new vscode.TreeItem(item.label, vscode.TreeItemCollapsibleState.Expanded);
      const count = item.nodes.reduce((sum, node) => sum + (node.kind === "path" ? node.routes.length : 1), 0);
      tree.description = [item.detail, `${count} route${count === 1 ? "" : "s"}`].filter(Boolean).join(" · ");
      tree.iconPath = new vscode.ThemeIcon(ORIGIN_ICONS[item.origin]);
      tree.contextValue = "origin";
      tree.id = `origin:${item.id}`;
      return tree;
    }
    if (item.kind === "path") {
      const tree = new vscode.TreeItem(item.path, vscode.TreeItemCollapsibleState.Expanded);
      tree.iconPath = new vscode.ThemeIcon(item.path.endsWith("*") ? "symbol-namespace" : "link");
      tree.contextValue = "path";
      tree.id = `path:${item.origin}:${item.path}`;
      return tree;
    }
    const { route } = item;
    const key = routeKey(route);
    const tree = new vscode.TreeItem(key, vscode.TreeItemCollapsibleState.None);
    const status = this.index.lastStatus(route);
    tree.description = [status !== undefined ? String(status) : null, routeOriginLabel(route)].filter(Boolean).join(" ");
    tree.tooltip = `${key}${route.source ? `\n${vscode.workspace.asRelativePath(route.source.file)}:${route.source.line + 1}` : ""}${status !== undefined ? `\nlast status ${status}` : ""}`;
    tree.iconPath = new vscode.ThemeIcon(
      METHOD_ICONS[route.method] ?? "symbol-method",
      status !== undefined && status >= 400 ? new vscode.ThemeColor("errorForeground") : undefined,
    );
    tree.contextValue = route.source ? "route.withSource" : "route";
    tree.command = { title: "Send request", command: "convexLens.sendRequest", arguments: [key] };
    tree.id = `route:${key}`;
    return tree;
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#changed.dispose();
  }
}

/** A path row knows its group, so that the same path in two groups gets two tree ids. */
function withOrigin(node: RouteNode, origin: string): Item {
  return node.kind === "path" ? { ...node, origin } : node;
}

/** Says where a route without a line of the project's own comes from. */
function routeOriginLabel(route: RouteEntry): string | null {
  if (route.addedBy) return `(added by ${route.addedBy})`;
  if (route.component) return `(component ${route.component})`;
  return route.source ? null : "(made by a helper)";
}

// The extension's live route list: re-parsed when a functions file changes (open editors' text
// wins over disk, so lenses follow unsaved edits), joined with the runtime's router when it has
// loaded, plus the last status seen for each route. CodeLens and tree only render this.
import * as vscode from "vscode";
import { readFileSync } from "node:fs";
import { findHttpFile } from "../../runtime";
import type { RuntimeSession } from "../runtime-session";
import { findRouteSources, type RouteSourceResult, type SourceRoute } from "../../runtime";
import type { RouteInfo } from "../../runtime";
import { joinRoutes, routeKey, type RouteEntry } from "./route-model";

export class RouteIndex implements vscode.Disposable {
  #routes: RouteEntry[] = [];
  #sources: RouteSourceResult | undefined;
  readonly #lastStatus = new Map<string, number>();
  readonly #changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.#changed.event;
  readonly #routeFileSaved = new vscode.EventEmitter<void>();
  /** A file that declares routes was saved while the runtime serves: it reloads, and the routes may change. */
  readonly onDidSaveRouteFile = this.#routeFileSaved.event;
  readonly #subscriptions: vscode.Disposable[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly functionsDir: string,
    private readonly session: RuntimeSession | null,
  ) {
    this.#subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.fsPath.startsWith(this.functionsDir)) this.#soon();
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (!document.uri.fsPath.startsWith(this.functionsDir)) return;
        if (this.session?.serving && this.declaresRoutes(document.uri.fsPath)) this.#routeFileSaved.fire();
        this.#soon();
      }),
    );
    if (session) this.#subscriptions.push(session.onStateChanged(() => this.refresh()));
    this.refresh();
  }

  get routes(): RouteEntry[] {
    return this.#routes;
  }

  get httpFile(): string | null {
    return findHttpFile(this.functionsDir);
  }

  lastStatus(route: RouteEntry): number | undefined {
    return this.#lastStatus.get(routeKey(route));
  }

  setLastStatus(route: RouteEntry, status: number): void {
    this.#lastStatus.set(routeKey(route), status);
    this.#changed.fire();
  }

  find(key: string): RouteEntry | undefined {
    return this.#routes.find((route) => routeKey(route) === key);
  }

  /**
   * Once the runtime's reload under way (if any) has served or failed, or after `capMs`: the routes
   * are then the reloaded ones (a reload's state change refreshes them before it settles).
   */
  async settled(capMs = 3000): Promise<void> {
    const reload = this.session?.serving?.runtime.reloadUnderWay;
    if (!reload) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([reload.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, capMs)))]);
    clearTimeout(timer);
  }

  /** Whether `file` is http.ts or declares routes the index knows of. */
  declaresRoutes(file: string): boolean {
    return (
      file === this.httpFile ||
      (this.#sources?.routes.some((route) => route.file === file) ?? false) ||
      this.#routes.some((route) => route.source?.file === file)
    );
  }

  refresh(): void {
    const httpFile = this.httpFile;
    this.#sources = httpFile ? findRouteSources(httpFile, readCurrentText, this.#sources) : { routes: [], problems: [] };
    const project = this.session?.serving?.runtime.project ?? null;
    const runtimeRoutes = project ? project.routes : null;
    this.#routes = joinRoutes(runtimeRoutes, this.#sources.routes, mountedComponentSources(runtimeRoutes ?? []));
    this.#changed.fire();
  }

  #soon(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.refresh(), 150);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#changed.dispose();
    this.#routeFileSaved.dispose();
  }
}

/**
 * The routes of mounted local components, parsed from their own http.ts (the runtime says which
 * file added each route), so their lines get lenses too. Installed packages are left out.
 */
function mountedComponentSources(routes: RouteInfo[]): Map<string, SourceRoute[]> {
  const files = new Map<string, string>();
  for (const route of routes) {
    if (route.component && route.source && !route.source.file.split(/[\\/]/).includes("node_modules"))
      files.set(route.component, route.source.file);
  }
  const sources = new Map<string, SourceRoute[]>();
  for (const [component, file] of files) sources.set(component, findRouteSources(file, readCurrentText).routes);
  return sources;
}

/** An open editor's text (maybe unsaved), else the file on disk, else null. */
export function readCurrentText(path: string): string | null {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === path);
  if (open) return open.getText();
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

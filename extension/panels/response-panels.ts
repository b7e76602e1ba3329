// Which response panel a send goes to: one panel reused for every route (the default), or one
// per route (convexLens.responsePanel: "perRoute"). Owns the panels and the history of sends that
// they all show, and opens or resends a send of that history.
import type * as vscode from "vscode";
import type { EditableRequest } from "../../webview/protocol/response";
import type { SendHistory } from "../requests/send-history";
import type { SendResult } from "../requests/send-request";
import { routeKey, type RouteEntry } from "../routes/route-model";
import { ResponsePanel, type PanelDependencies, type SendOutcome } from "./response-panel";

export type PanelMode = "shared" | "perRoute";

export interface ResponsePanelsOptions {
  /** What every panel needs, but the history, which this owns. */
  panel: Omit<PanelDependencies, "record" | "history" | "openHistory" | "resendHistory">;
  history: SendHistory;
  /** Read at each send: a change of the setting applies to the next one. */
  mode(): PanelMode;
  /** The route of a key as the project has it now. */
  findRoute(key: string): RouteEntry | undefined;
  /** A send that failed: the panel shows why; this is for the output channel. */
  warn(message: string): void;
}

export class ResponsePanels implements vscode.Disposable {
  readonly #options: ResponsePanelsOptions;
  readonly #dependencies: PanelDependencies;
  #shared: ResponsePanel | null = null;
  readonly #byRoute = new Map<string, ResponsePanel>();
  readonly #unsubscribe: () => void;

  constructor(options: ResponsePanelsOptions) {
    this.#options = options;
    this.#dependencies = {
      ...options.panel,
      record: (route, request, outcome) => this.#record(route, request, outcome),
      history: () => options.history.views(),
      openHistory: (entryId, from) => this.#openHistory(entryId, from),
      resendHistory: (entryId, from) => this.#resendHistory(entryId, from),
    };
    this.#unsubscribe = options.history.onChange(() => {
      const entries = options.history.views();
      for (const panel of this.#panels()) panel.postHistory(entries);
    });
  }

  /** Opens (or reuses) the panel for the route and sends the request there. */
  show(route: RouteEntry, request: EditableRequest): Promise<SendResult | undefined> {
    return this.#send(this.#panelFor(route, request), request);
  }

  dispose(): void {
    this.#unsubscribe();
    for (const panel of this.#panels()) panel.dispose();
  }

  #panels(): ResponsePanel[] {
    return [...(this.#shared ? [this.#shared] : []), ...this.#byRoute.values()];
  }

  #send(panel: ResponsePanel, request: EditableRequest): Promise<SendResult | undefined> {
    return panel.send(request).catch((error: unknown) => {
      this.#options.warn(`${routeKey(panel.route)}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
  }

  /** The panel that shows the route's sends, revealed; `from` is the panel a history action came from. */
  #panelFor(route: RouteEntry, request: EditableRequest, from?: ResponsePanel): ResponsePanel {
    const key = routeKey(route);
    if (this.#options.mode() === "shared") {
      const panel = from ?? this.#shared;
      if (panel) {
        panel.showRoute(route);
        if (panel !== from) panel.reveal();
        return panel;
      }
      const created = new ResponsePanel(route, request, this.#dependencies, () => {
        if (this.#shared === created) this.#shared = null;
      });
      this.#shared = created;
      return created;
    }
    const existing = this.#byRoute.get(key);
    if (existing) {
      if (existing !== from) existing.reveal();
      return existing;
    }
    const created = new ResponsePanel(route, request, this.#dependencies, () => {
      if (this.#byRoute.get(key) === created) this.#byRoute.delete(key);
    });
    this.#byRoute.set(key, created);
    return created;
  }

  #record(route: RouteEntry, request: EditableRequest, outcome: SendOutcome): void {
    const response = outcome.result?.response ?? null;
    this.#options.history.add(
      {
        id: outcome.requestId ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
        at: Date.now(),
        route: { method: route.method, path: route.path, kind: route.kind },
        request,
        target: outcome.target,
        status: response?.status ?? null,
        error: outcome.error,
        durationMs: response?.durationMs ?? null,
      },
      outcome.result ?? undefined,
    );
  }

  /** The route a send of the history went to, as the project has it now (or as it was). */
  #entryRoute(entryId: string) {
    const found = this.#options.history.get(entryId);
    if (!found) throw new Error("That send is no longer in the history (it keeps the last 50).");
    const { route } = found.entry;
    const current = this.#options.findRoute(routeKey(route));
    return {
      ...found,
      route: current ?? {
        method: route.method,
        path: route.path,
        kind: route.kind,
        source: null,
        live: false,
        component: null,
        addedBy: null,
      },
    };
  }

  async #openHistory(entryId: string, from: ResponsePanel): Promise<void> {
    const { entry, kept, route } = this.#entryRoute(entryId);
    this.#panelFor(route, entry.request, from).showSent(route, entry.request, entry.target, kept);
  }

  async #resendHistory(entryId: string, from: ResponsePanel): Promise<void> {
    const { entry, route } = this.#entryRoute(entryId);
    // Not awaited: the panel shows how it goes, as for Send.
    void this.#send(this.#panelFor(route, entry.request, from), entry.request);
  }
}

// The status bar item: what the runtime is doing; a click shows its output.
import * as vscode from "vscode";
import type { RuntimeSession, SessionState } from "./runtime-session";

export class StatusItem implements vscode.Disposable {
  readonly #item = vscode.window.createStatusBarItem("convexLens.status", vscode.StatusBarAlignment.Left, 50);
  readonly #subscriptions: vscode.Disposable[];

  constructor(private readonly session: RuntimeSession) {
    this.#item.name = "Convex Lens";
    this.#item.command = "convexLens.showOutput";
    this.#render(session.state);
    this.#item.show();
    this.#subscriptions = [
      session.onStateChanged((state) => this.#render(state)),
      session.onPersistenceChanged(() => this.#render(session.state)),
    ];
  }

  showUntrusted(): void {
    this.#item.text = "$(shield) Convex Lens: trust needed";
    this.#item.tooltip = "This workspace is not trusted, so Convex Lens does not run its code. Routes are still listed.";
  }

  #render(state: SessionState): void {
    const url = this.session.serving?.site.url;
    const views: Record<SessionState["kind"], [string, string]> = {
      starting: ["$(sync~spin) Convex Lens: starting", "Building and loading the project"],
      ready: [`$(broadcast) Convex Lens: ${url ?? "serving"}`, `HTTP actions on ${url}. Click for the output.`],
      "build-failed": ["$(error) Convex Lens: build failed", "The last good build keeps serving; see the Problems view"],
      stopped: ["$(circle-slash) Convex Lens: stopped", "Run 'Convex Lens: Start runtime' to serve the project"],
      failed: ["$(error) Convex Lens: failed to start", state.kind === "failed" ? state.message : ""],
    };
    const [text, tooltip] = views[state.kind];
    // A file that cannot be saved matters more than the URL: it stays until saving works again.
    const problems = this.session.persistenceProblems;
    this.#item.text = problems.length > 0 ? "$(warning) Convex Lens: disk error" : text;
    this.#item.tooltip = problems.length > 0 ? problems.map((p) => p.message).join("\n") : tooltip;
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#item.dispose();
  }
}

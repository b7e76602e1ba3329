// The status bar item: what the runtime is doing; a click shows its output. In an untrusted
// workspace (no session) it says Convex Lens is restricted, and a click manages workspace trust.
import * as vscode from "vscode";
import type { RuntimeSession, SessionState } from "./runtime-session";

const RESTRICTED_TEXT = "$(shield) Convex Lens: restricted";

export class StatusItem implements vscode.Disposable {
  readonly #item = vscode.window.createStatusBarItem("convexLens.status", vscode.StatusBarAlignment.Left, 50);
  readonly #subscriptions: vscode.Disposable[] = [];

  constructor(session: RuntimeSession | null) {
    this.#item.name = "Convex Lens";
    if (session) {
      this.#item.command = "convexLens.showOutput";
      this.#render(session, session.state);
      this.#subscriptions.push(
        session.onStateChanged((state) => this.#render(session, state)),
        session.onPersistenceChanged(() => this.#render(session, session.state)),
      );
    } else {
      this.#item.text = RESTRICTED_TEXT;
      this.#item.tooltip =
        "This workspace is not trusted, so Convex Lens does not run its code: the routes are listed from the source. Click to manage workspace trust.";
      this.#item.command = { title: "Manage Workspace Trust", command: "workbench.trust.manage" };
    }
    this.#item.show();
  }

  #render(session: RuntimeSession, state: SessionState): void {
    const url = session.serving?.site.url;
    const views: Record<SessionState["kind"], [string, string]> = {
      starting: ["$(sync~spin) Convex Lens: starting", "Building and loading the project"],
      ready: [`$(broadcast) Convex Lens: ${url ?? "serving"}`, `HTTP actions on ${url}. Click for the output.`],
      "build-failed": ["$(error) Convex Lens: build failed", "The last good build keeps serving; see the Problems view"],
      stopped: ["$(circle-slash) Convex Lens: stopped", "Run 'Convex Lens: Start runtime' to serve the project"],
      failed: ["$(error) Convex Lens: failed to start", state.kind === "failed" ? state.message : ""],
    };
    const [text, tooltip] = views[state.kind];
    // A file that cannot be saved matters more than the URL: it stays until saving works again.
    const problems = session.persistenceProblems;
    this.#item.text = problems.length > 0 ? "$(warning) Convex Lens: disk error" : text;
    this.#item.tooltip = problems.length > 0 ? problems.map((p) => p.message).join("\n") : tooltip;
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#item.dispose();
  }
}

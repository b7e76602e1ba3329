// The status bar item: what the runtime is doing, and a click to see its output.
import * as vscode from "vscode";
import type { RuntimeSession } from "./runtime-session";

export class StatusItem implements vscode.Disposable {
  readonly #item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  readonly #subscription: vscode.Disposable;

  constructor(session: RuntimeSession) {
    this.#item.command = "convexLens.showOutput";
    this.#item.text = "$(circle-outline) Convex Lens: stopped";
    this.#item.show();
    this.#subscription = session.onStateChanged((state) => {
      switch (state.kind) {
        case "starting":
          this.#item.text = "$(sync~spin) Convex Lens: starting";
          break;
        case "ready":
          this.#item.text = `$(broadcast) Convex Lens: ${session.serving?.site.url ?? "serving"}`;
          break;
        case "build-failed":
          this.#item.text = "$(error) Convex Lens: build failed";
          break;
        case "stopped":
          this.#item.text = "$(circle-outline) Convex Lens: stopped";
          break;
      }
    });
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#item.dispose();
  }
}

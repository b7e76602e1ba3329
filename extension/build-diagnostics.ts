// esbuild's errors (and module load errors) as diagnostics in the Problems view, on the right file
// and line; cleared when a build succeeds.
import * as vscode from "vscode";
import type { RuntimeSession, SessionState } from "./runtime-session";

export class BuildDiagnostics implements vscode.Disposable {
  readonly #collection = vscode.languages.createDiagnosticCollection("Convex Lens");
  readonly #subscription: vscode.Disposable;

  constructor(session: RuntimeSession) {
    this.#subscription = session.onStateChanged((state) => this.#update(state));
  }

  #update(state: SessionState): void {
    if (state.kind === "starting") return;
    this.#collection.clear();
    if (state.kind !== "build-failed") return;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const error of state.errors) {
      const line = Math.max(0, error.line - 1);
      const column = Math.max(0, error.column - 1);
      const range = new vscode.Range(line, column, line, column + 1);
      const diagnostic = new vscode.Diagnostic(range, error.text, vscode.DiagnosticSeverity.Error);
      diagnostic.source = "Convex Lens";
      byFile.set(error.file, [...(byFile.get(error.file) ?? []), diagnostic]);
    }
    for (const [file, diagnostics] of byFile) this.#collection.set(vscode.Uri.file(file), diagnostics);
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#collection.dispose();
  }
}

// Route lint findings (route-lint.ts) as diagnostics in the "Convex Lens lint" collection, kept
// up to date with the route index (edits, saves, runtime reloads). Only renders; the analysis is pure.
import * as vscode from "vscode";
import type { RouteIndex } from "./route-index";
import { readCurrentText } from "./route-index";
import { lintHttpFile, type LintFinding, type LintRange } from "../../runtime";
import type { RuntimeSession } from "../runtime-session";
import { writeMarker } from "../e2e-markers";

export const LINT_COLLECTION = "Convex Lens lint";

const SEVERITIES: Record<LintFinding["severity"], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

function toRange(range: LintRange): vscode.Range {
  return new vscode.Range(range.line, range.column, range.endLine, range.endColumn);
}

export class RouteLintDiagnostics implements vscode.Disposable {
  readonly #collection = vscode.languages.createDiagnosticCollection(LINT_COLLECTION);
  readonly #subscriptions: vscode.Disposable[] = [];
  #lastKey = "";

  constructor(
    private readonly index: RouteIndex,
    private readonly session: RuntimeSession | null,
  ) {
    this.#subscriptions.push(index.onDidChange(() => this.update()));
    this.update();
  }

  update(): void {
    const httpFile = this.index.httpFile;
    const runtimeRoutes = this.session?.serving?.runtime.project?.routes ?? null;
    const findings = httpFile ? lintHttpFile(httpFile, readCurrentText, runtimeRoutes) : [];
    // The index also changes when a response arrives (its status): skip identical results.
    const key = JSON.stringify(findings);
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    this.#collection.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const finding of findings) {
      const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, SEVERITIES[finding.severity]);
      diagnostic.source = LINT_COLLECTION;
      diagnostic.code = finding.code;
      diagnostic.relatedInformation = finding.related.map(
        (related) =>
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(vscode.Uri.file(related.file), toRange(related.range)),
            related.message,
          ),
      );
      byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), diagnostic]);
    }
    for (const [file, diagnostics] of byFile) this.#collection.set(vscode.Uri.file(file), diagnostics);
    writeMarker(
      "route-lint",
      findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        file: f.file,
        line: f.range.line,
        column: f.range.column,
        message: f.message,
      })),
    );
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#collection.dispose();
  }
}

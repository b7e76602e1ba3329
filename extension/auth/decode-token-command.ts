// "Convex Lens: Decode token": takes a JWT (the argument, the selection, or typed in), explains it
// against the project's auth.config.ts as the running runtime loaded it (plus the local dev issuer
// when the runtime trusts it), and shows the report beside the editor.
import * as vscode from "vscode";
import { locateAuthConfig } from "../../runtime";
import { DEV_JWKS_PATH } from "../../runtime";
import { explainToken, type AuthConfigInput } from "../../runtime";
import type { RuntimeSession } from "../runtime-session";
import type { ReportPanels } from "../panels/report-panel";
import { writeMarker } from "../e2e-markers";
import { findJwt } from "./find-jwt";
import { tokenReportMarkdown } from "./token-report";

export interface DecodeTokenDeps {
  session: RuntimeSession | null;
  reports: ReportPanels;
}

async function askToken(argument: unknown): Promise<string | undefined> {
  if (typeof argument === "string" && argument.trim() !== "") return findJwt(argument) ?? argument.trim();
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : "";
  const found = findJwt(selected);
  if (found) return found;
  const typed = await vscode.window.showInputBox({
    title: "Convex Lens: Decode token",
    prompt: "A JWT (with or without 'Bearer '), explained against convex/auth.config.ts",
    placeHolder: "eyJhbGciOi…",
    value: selected.trim(),
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === "" ? "Paste a token" : null),
  });
  return typed === undefined ? undefined : (findJwt(typed) ?? typed.trim());
}

function authConfigOf(session: RuntimeSession | null): AuthConfigInput {
  if (!session) return { kind: "unavailable", reason: "the workspace is not trusted, so Convex Lens does not load convex/auth.config.ts." };
  const project = session.serving?.runtime.project;
  if (!project) return { kind: "unavailable", reason: "the Convex Lens runtime is not running (start it to load convex/auth.config.ts)." };
  const file = locateAuthConfig(session.projectDir);
  return { kind: "loaded", config: project.authConfig, file: file.label, exists: file.exists };
}

export async function decodeToken(deps: DecodeTokenDeps, argument?: unknown): Promise<void> {
  const token = await askToken(argument);
  if (token === undefined) return;
  const serving = deps.session?.serving ?? null;
  const dev = serving?.devIssuer ?? null;
  const explanation = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Convex Lens: checking the token…" },
    () =>
      explainToken(token, authConfigOf(deps.session), Date.now(), {
        devIssuer: dev && serving ? { provider: dev.provider(`${serving.api.url}${DEV_JWKS_PATH}`), keys: dev.jwks.keys } : null,
      }),
  );
  writeMarker("token-explanation", {
    ok: explanation.verdict.ok,
    check: explanation.verdict.ok ? null : explanation.verdict.check,
    message: explanation.verdict.ok ? null : explanation.verdict.message,
    findings: explanation.findings,
  });
  const subject = typeof explanation.claims?.sub === "string" ? explanation.claims.sub : "token";
  await deps.reports.show("token", `Token: ${subject}`, tokenReportMarkdown(explanation));
}

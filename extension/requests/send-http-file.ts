// "Send with Convex Lens" on a request of a `.http` file: resolves its variables (asking for the
// ones without a value, like a saved `{{token}}`), opens the route's response panel with it, and
// checks the request's `??` assertions against the answer.
import * as vscode from "vscode";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseEnv } from "node:util";
import { evaluateAssertion } from "../../runtime";
import { parseHttpFile, requestAtLine } from "../../runtime";
import { evaluateJsInVm } from "../../runtime";
import { VariableError } from "../../runtime";
import type { EditableRequest } from "../../webview/protocol/response";
import { writeMarker } from "../e2e-markers";
import type { RouteEntry } from "../routes/route-model";
import type { Target } from "../targets/targets";
import { httpFileSend } from "./http-file-request";
import { pathAndQuery } from "./saved-request";
import type { SendResult } from "./send-request";

export interface SendHttpFileDependencies {
  routes(): RouteEntry[];
  /** The target to send to, once it can be used (the runtime started if need be); null to stop. */
  readyTarget(): Promise<Target | null>;
  /** Opens the route's response panel with the request and sends it. */
  open(route: RouteEntry, request: EditableRequest): Promise<SendResult | undefined>;
  /** Values typed for variables without one, kept for the window's life, by file and name. */
  prompted: Map<string, string>;
}

const SECRET = /token|secret|password|key|auth/i;

function dotenvBeside(file: string): Record<string, string> | null {
  try {
    return parseEnv(readFileSync(join(dirname(file), ".env"), "utf8")) as Record<string, string>;
  } catch {
    return null;
  }
}

export async function sendHttpFileRequest(deps: SendHttpFileDependencies, uri?: string | vscode.Uri, line?: number): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const documentUri = uri === undefined ? editor?.document.uri : typeof uri === "string" ? vscode.Uri.parse(uri) : uri;
  if (!documentUri) return void vscode.window.showInformationMessage("Open a .http file and put the cursor in a request to send it.");
  const document = await vscode.workspace.openTextDocument(documentUri);
  const parsed = parseHttpFile(document.getText());
  const at = line ?? (editor?.document.uri.toString() === documentUri.toString() ? editor.selection.active.line : 0);
  const entry = requestAtLine(parsed, at);
  if (!entry) return void vscode.window.showInformationMessage("There is no request here: a request line looks like GET {{site}}/path.");
  const problems = parsed.problems.filter((problem) => requestAtLine(parsed, problem.line) === entry);
  if (problems.length > 0) {
    return void vscode.window.showErrorMessage(`This request has a problem on line ${problems[0]!.line + 1}: ${problems[0]!.message}`);
  }
  const target = await deps.readyTarget();
  if (!target?.siteUrl) return;

  const file = documentUri.fsPath;
  const overrides: Record<string, string> = {};
  for (const [key, value] of deps.prompted) if (key.startsWith(`${file}\n`)) overrides[key.slice(file.length + 1)] = value;
  let send;
  for (;;) {
    try {
      send = httpFileSend(parsed, entry, {
        siteUrl: target.siteUrl,
        routes: deps.routes(),
        sources: { overrides, dotenv: () => dotenvBeside(file), processEnv: process.env },
      });
      break;
    } catch (error) {
      if (!(error instanceof VariableError) || !error.missing || error.message.includes("{{$")) {
        return void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
      }
      const name = error.missing;
      const value = await vscode.window.showInputBox({
        title: `{{${name}}} has no value in this file`,
        prompt: `The value of {{${name}}} for requests of this file (kept until the window closes)`,
        password: SECRET.test(name),
        ignoreFocusOut: true,
      });
      if (value === undefined) return;
      overrides[name] = value;
      deps.prompted.set(`${file}\n${name}`, value);
    }
  }

  const result = await deps.open(send.route, send.request);
  if (!result || entry.assertions.length === 0) return;
  const { response, bytes } = result;
  const answer = {
    status: response.status,
    headers: response.headers,
    text: Buffer.from(bytes).toString("utf8"),
    durationMs: response.durationMs,
  };
  const outcomes = entry.assertions.map((assertion) => evaluateAssertion(assertion, answer, evaluateJsInVm));
  const failed = outcomes.filter((outcome) => !outcome.ok);
  writeMarker("http-file-send", {
    file,
    line: entry.line,
    status: response.status,
    assertions: outcomes.map((o) => ({ ok: o.ok, message: o.message })),
  });
  const shown = `${send.request.method} ${pathAndQuery(send.request)}`;
  if (failed.length === 0) {
    vscode.window.setStatusBarMessage(
      `$(pass) Convex Lens: ${outcomes.length} assertion${outcomes.length === 1 ? "" : "s"} held for ${shown}`,
      8000,
    );
  } else {
    void vscode.window.showWarningMessage(`✗ ${shown} on ${target.label}: ${failed.map((outcome) => outcome.message).join("; ")}`);
  }
}

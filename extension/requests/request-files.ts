// The vscode side of "Save request" and "Export as test": where the files go, writing them, and
// telling the user what happened. The text of both files comes from pure modules
// (saved-request.ts, export-test.ts).
import * as vscode from "vscode";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { HttpFileWriteError } from "../../runtime";
import type { EditableRequest, ResponseView } from "../../webview/protocol/response";
import type { RequestsConfig } from "../config";
import { writeMarker } from "../e2e-markers";
import { routeKey, type RouteEntry } from "../routes/route-model";
import type { Target } from "../targets/targets";
import { generateConvexTest } from "./export-test";
import { appendRequest, httpFileName, toSavedRequest } from "./saved-request";

function inside(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return path === "" || (!path.startsWith("..") && !isAbsolute(path));
}

async function openAt(file: string, line: number): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const at = new vscode.Position(line, 0);
  await vscode.window.showTextDocument(document, {
    selection: new vscode.Range(at, at),
    viewColumn: vscode.ViewColumn.One,
    preview: false,
  });
}

export interface SaveRequestOptions {
  projectDir: string;
  config: RequestsConfig;
  /** The embedded runtime's site URL, for a new file's `@site`. */
  siteUrl: string;
  route: RouteEntry;
  request: EditableRequest;
  status: number | null;
}

/** Appends the request to `<requests folder>/<method>-<path>.http`; says where, offers to open it. */
export async function saveRequestFile(options: SaveRequestOptions): Promise<void> {
  const { projectDir, config, route, request } = options;
  const folder = resolve(projectDir, config.requestsFolder);
  if (!inside(projectDir, folder)) {
    throw new Error(
      `The setting convexLens.requestsFolder ("${config.requestsFolder}") leads outside the project: use a folder inside it, like convex-requests.`,
    );
  }
  const file = join(folder, httpFileName(route.method, route.path));
  const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === file);
  if (open?.isDirty) throw new Error(`${relative(projectDir, file)} has unsaved changes: save it, then save the request again.`);
  let saved;
  try {
    saved = toSavedRequest(request, { status: options.status, statusAssertion: config.saveStatusAssertion });
  } catch (error) {
    throw error instanceof HttpFileWriteError ? new Error(`This request cannot be saved as a .http file: ${error.message}.`) : error;
  }
  const existing = existsSync(file) ? readFileSync(file, "utf8") : null;
  const result = (() => {
    try {
      return appendRequest(existing, saved.entry, options.siteUrl, routeKey(route));
    } catch (error) {
      throw error instanceof HttpFileWriteError ? new Error(`This request cannot be saved as a .http file: ${error.message}.`) : error;
    }
  })();
  const shown = relative(projectDir, file);
  if (!result.alreadySaved) {
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(folder));
    await vscode.workspace.fs.writeFile(vscode.Uri.file(file), Buffer.from(result.text, "utf8"));
  }
  writeMarker("saved-request", { file, line: result.line, alreadySaved: result.alreadySaved });
  const notes: string[] = [];
  if (saved.credentialVariable) {
    notes.push(
      `The Authorization value is saved as {{${saved.credentialVariable}}}, not the secret itself: Convex Lens asks for it when sending; convex-lens run takes --var ${saved.credentialVariable}=….`,
    );
  }
  if (request.actAs?.enabled) notes.push('"Act as a user" is not part of .http files: the saved request is anonymous.');
  const head = result.alreadySaved ? `${saved.entry.name} is already in ${shown}.` : `Saved ${saved.entry.name} to ${shown}.`;
  const choice = await vscode.window.showInformationMessage([head, ...notes].join(" "), "Open");
  if (choice) await openAt(file, result.line);
}

export interface ExportTestOptions {
  functionsDir: string;
  projectDir: string;
  route: RouteEntry;
  request: EditableRequest;
  response: ResponseView;
  /** The target that gave the response. */
  target: Target;
}

/** A file name not taken yet: `get-x.test.ts`, else `get-x-2.test.ts`, … */
function freeName(dir: string, fileName: string): string {
  if (!existsSync(join(dir, fileName))) return fileName;
  const stem = fileName.slice(0, -".test.ts".length);
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}.test.ts`;
    if (!existsSync(join(dir, candidate))) return candidate;
  }
}

/** Writes `<functions folder>/<method>-<path>.test.ts` (never over an existing file) and opens it. */
export async function exportTestFile(options: ExportTestOptions): Promise<void> {
  const { functionsDir } = options;
  const hasSchema = existsSync(join(functionsDir, "schema.ts")) || existsSync(join(functionsDir, "schema.js"));
  // A JavaScript project's modules are .js files; the docs' glob reads .ts only.
  const javascript = !existsSync(join(functionsDir, "http.ts")) && existsSync(join(functionsDir, "http.js"));
  const generated = generateConvexTest({
    request: options.request,
    response: options.response,
    hasSchema,
    moduleGlob: javascript ? "./**/*.*s" : "./**/*.ts",
    answeredBy: options.target.kind === "runtime" ? "the local runtime" : options.target.label,
  });
  const file = join(functionsDir, freeName(functionsDir, generated.fileName));
  await vscode.workspace.fs.writeFile(vscode.Uri.file(file), Buffer.from(generated.text, "utf8"));
  writeMarker("exported-test", { file });
  await openAt(file, 0);
  void vscode.window.showInformationMessage(
    `Wrote ${relative(options.projectDir, file)}: a convex-test test of ${routeKey(options.route)}. Run it with vitest (npm install --save-dev convex-test vitest @edge-runtime/vm).`,
  );
}

// Runs the requests of `.http` files one after the other and checks their `??` assertions: the
// engine of `convex-lens run`. No vscode; output formatting is separate so tests read results.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseEnv } from "node:util";
import { runInNewContext } from "node:vm";
import { evaluateAssertion, type AssertionResult, type EvaluateJs } from "./assertions";
import { parseHttpFile, variablesFor, type HttpFileProblem, type HttpRequestEntry } from "./http-file";
import { resolveVariables, VariableError } from "./variables";

export const DEFAULT_SITE = "http://127.0.0.1:3311";

export interface RunOptions {
  /** `--site`: the `site` variable, over the file's own `@site`. */
  site?: string;
  /** `--var name=value`, over the file's definitions. */
  vars?: Record<string, string>;
  /** Per request, to the last byte. */
  timeoutMs?: number;
  processEnv?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

export interface RequestOutcome {
  file: string;
  request: HttpRequestEntry;
  /** What the line shows: the path when the URL is on the site, else the URL. */
  target: string;
  status: number | null;
  durationMs: number | null;
  assertions: AssertionResult[];
  /** Why the request could not be sent or read (a variable without value, a network error…). */
  error: string | null;
  ok: boolean;
}

export interface FileOutcome {
  file: string;
  problems: HttpFileProblem[];
  requests: RequestOutcome[];
}

/** `?? js` expressions run in a fresh context with only `response`, stopped after a second. */
export const evaluateJsInVm: EvaluateJs = (expression, scope) => runInNewContext(expression, { ...scope }, { timeout: 1000 });

function readDotenvBeside(file: string): Record<string, string> | null {
  try {
    return parseEnv(readFileSync(join(dirname(file), ".env"), "utf8")) as Record<string, string>;
  } catch {
    return null;
  }
}

function displayTarget(url: string, site: string | undefined): string {
  try {
    const parsed = new URL(url);
    if (site && parsed.origin === new URL(site).origin) return `${parsed.pathname}${parsed.search}`;
    return parsed.toString();
  } catch {
    return url;
  }
}

const DROPPED_HEADERS = new Set(["content-length", "host", "connection"]);

export async function runRequest(
  file: string,
  request: HttpRequestEntry,
  variables: Map<string, string>,
  options: RunOptions,
): Promise<RequestOutcome> {
  const overrides: Record<string, string> = { ...(options.vars ?? {}) };
  if (options.site !== undefined) overrides.site = options.site;
  const sources = {
    overrides,
    file: variables,
    defaults: { site: DEFAULT_SITE },
    dotenv: () => readDotenvBeside(file),
    processEnv: options.processEnv ?? process.env,
  };
  let site: string | undefined;
  try {
    site = resolveVariables("{{site}}", sources);
  } catch {
    site = undefined;
  }
  const outcome: RequestOutcome = {
    file,
    request,
    target: request.url,
    status: null,
    durationMs: null,
    assertions: [],
    error: null,
    ok: false,
  };
  let url: string;
  let headers: Headers;
  let body: string | null;
  try {
    const written = resolveVariables(request.url, sources);
    // A path alone goes to the site, so `GET /path` works as well as `GET {{site}}/path`.
    url = written.startsWith("/") && site ? new URL(written, site).toString() : new URL(written).toString();
    outcome.target = displayTarget(url, site);
    headers = new Headers();
    for (const header of request.headers) {
      if (DROPPED_HEADERS.has(header.name.toLowerCase())) continue;
      headers.append(header.name, resolveVariables(header.value, sources));
    }
    body = request.body !== "" && request.method !== "GET" && request.method !== "HEAD" ? resolveVariables(request.body, sources) : null;
  } catch (error) {
    outcome.error = error instanceof Error ? error.message : String(error);
    if (error instanceof VariableError && error.missing && !error.message.includes("$"))
      outcome.error += ` or pass --var ${error.missing}=…`;
    return outcome;
  }

  const started = performance.now();
  let text: string;
  const responseHeaders: Array<[string, string]> = [];
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: request.method,
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    text = await response.text();
    outcome.status = response.status;
    response.headers.forEach((value, name) => {
      responseHeaders.push([name, value]);
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const reason =
      error instanceof Error && error.name === "TimeoutError"
        ? `no answer within ${options.timeoutMs ?? 30_000} ms`
        : `${error instanceof Error ? error.message : String(error)}${cause}`;
    outcome.error = reason;
    outcome.durationMs = Math.round(performance.now() - started);
    return outcome;
  }
  outcome.durationMs = Math.round(performance.now() - started);
  const response = { status: outcome.status, headers: responseHeaders, text, durationMs: outcome.durationMs };
  outcome.assertions = request.assertions.map((assertion) => evaluateAssertion(assertion, response, evaluateJsInVm));
  outcome.ok = outcome.assertions.every((result) => result.ok);
  return outcome;
}

/** Runs one file's requests in order. */
export async function runHttpFile(file: string, text: string, options: RunOptions): Promise<FileOutcome> {
  const parsed = parseHttpFile(text);
  const requests: RequestOutcome[] = [];
  for (const request of parsed.requests) requests.push(await runRequest(file, request, variablesFor(parsed, request), options));
  return { file, problems: parsed.problems, requests };
}

// ---- output ----

export interface Summary {
  passed: number;
  failed: number;
  problems: number;
}

export function summarize(outcomes: FileOutcome[]): Summary {
  const all = outcomes.flatMap((outcome) => outcome.requests);
  return {
    passed: all.filter((request) => request.ok).length,
    failed: all.filter((request) => !request.ok).length,
    problems: outcomes.reduce((sum, outcome) => sum + outcome.problems.length, 0),
  };
}

/** `✓ POST /postMessage 200 12ms` or `✗ … expected status == 200, got 500`, plus any further failures. */
export function formatOutcome(outcome: RequestOutcome, options: { color?: boolean } = {}): string {
  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const mark = outcome.ok ? paint("32", "✓") : paint("31", "✗");
  const parts = [mark, outcome.request.method, outcome.target];
  if (outcome.status !== null) parts.push(String(outcome.status));
  if (outcome.durationMs !== null) parts.push(`${outcome.durationMs}ms`);
  const name = outcome.request.name;
  // Saved requests are named after their method and path; repeating that adds nothing.
  const plain = [`${outcome.request.method} ${outcome.target}`, `${outcome.request.method} ${outcome.target.split("?")[0]}`];
  if (name && !plain.includes(name)) parts.push(paint("2", `(${name})`));
  const failures =
    outcome.error !== null ? [outcome.error] : outcome.assertions.filter((result) => !result.ok).map((result) => result.message);
  const head = parts.join(" ");
  if (failures.length === 0) return head;
  return [`${head} ${paint("31", failures[0]!)}`, ...failures.slice(1).map((failure) => `    ${paint("31", failure)}`)].join("\n");
}

export function formatSummary(summary: Summary, files: number): string {
  const requests = summary.passed + summary.failed;
  const parts = [`${summary.passed} passed`, `${summary.failed} failed`];
  if (summary.problems > 0) parts.push(`${summary.problems} problem${summary.problems === 1 ? "" : "s"} in the files`);
  return `${parts.join(", ")} (${requests} request${requests === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"})`;
}

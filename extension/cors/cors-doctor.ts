// The CORS doctor: for a request and a page origin, sends what a browser would send — the
// preflight (OPTIONS with Origin, Access-Control-Request-Method and -Headers) when one is needed,
// then the request itself with Origin — and reports, header by header, what the browser would
// refuse and why (cors-check.ts). No vscode: the command and the tests share it.
import { hasBody } from "../requests/request-builder";
import {
  checkActualResponse,
  checkPreflight,
  corsCheck,
  corsUnsafeHeaderNames,
  isForbiddenRequestHeader,
  preflightReasons,
  type HeaderCheck,
  type HeaderList,
} from "./cors-check";

export const DEFAULT_ORIGIN = "http://localhost:5173";

export interface CorsDoctorInput {
  /** The request's full URL on the site origin. */
  url: string;
  method: string;
  /** The headers the page would set (a saved request's). */
  headers: HeaderList;
  body: string | null;
  /** The page's origin, e.g. http://localhost:5173. */
  origin: string;
  /** `credentials: "include"` (cookies); default false, as fetch() sends cross-origin. */
  credentials?: boolean;
  signal?: AbortSignal;
}

/** One HTTP exchange as sent and received, with the checks of its response. */
export interface CorsExchange {
  method: string;
  url: string;
  sent: Array<[string, string]>;
  /** Null when the request failed at the network level (`error` says why). */
  status: number | null;
  statusText: string;
  headers: Array<[string, string]>;
  bodyStart: string;
  error: string | null;
  checks: HeaderCheck[];
}

export interface CorsReport {
  origin: string;
  url: string;
  method: string;
  credentials: boolean;
  sameOrigin: boolean;
  /** About the request itself: headers a page cannot set, say. */
  requestNotes: HeaderCheck[];
  preflight: { needed: boolean; reasons: string[]; exchange: CorsExchange | null };
  actual: CorsExchange;
  blocked: boolean;
  summary: string;
  /** Without credentials: what would also fail with credentials: "include". */
  withCredentials: string[];
}

export class CorsDoctorError extends Error {}

/** The serialized origin of `value` ("null" stays "null"), or an error saying what is wrong. */
export function normalizeOrigin(value: string): string {
  const trimmed = value.trim();
  if (trimmed === "null") return trimmed;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new CorsDoctorError(`'${value}' is not an origin: write it like ${DEFAULT_ORIGIN} (scheme, host and port).`);
  }
  if (url.origin === "null") throw new CorsDoctorError(`'${value}' has no origin (use an http or https URL).`);
  return url.origin;
}

export async function runCorsDoctor(input: CorsDoctorInput): Promise<CorsReport> {
  const origin = normalizeOrigin(input.origin);
  const credentials = input.credentials ?? false;
  const method = input.method.toUpperCase();
  const requestNotes: HeaderCheck[] = [];
  const headers: Array<[string, string]> = [];
  for (const [name, value] of input.headers) {
    if (name.trim() === "") continue;
    if (isForbiddenRequestHeader(name)) {
      requestNotes.push({
        header: name,
        value,
        outcome: "warning",
        message: `A page cannot set ${name}: the browser sets it itself (forbidden request-header), so it is left out here.`,
      });
      continue;
    }
    headers.push([name, value]);
  }
  const path = new URL(input.url).pathname;
  const sameOrigin = new URL(input.url).origin === origin;
  if (sameOrigin) {
    requestNotes.push({
      header: "Origin",
      value: origin,
      outcome: "info",
      message: "The page is on the site's own origin: CORS does not apply, the browser allows everything.",
    });
  }

  const reasons = preflightReasons(method, headers);
  let preflight: CorsExchange | null = null;
  if (reasons.length > 0) {
    const unsafe = corsUnsafeHeaderNames(headers);
    const sent: Array<[string, string]> = [
      ["Origin", origin],
      ["Access-Control-Request-Method", method],
    ];
    if (unsafe.length > 0) sent.push(["Access-Control-Request-Headers", unsafe.join(",")]);
    preflight = await exchange("OPTIONS", input.url, sent, null, input.signal);
    if (preflight.status !== null) {
      preflight.checks = checkPreflight({
        method,
        requestHeaders: headers,
        origin,
        credentials,
        status: preflight.status,
        headers: preflight.headers,
        body: preflight.bodyStart,
        path,
      });
    }
  }

  const sentActual: Array<[string, string]> = [["Origin", origin], ...headers];
  const actual = await exchange(method, input.url, sentActual, hasBody(method) ? input.body : null, input.signal);
  if (actual.status !== null) actual.checks = checkActualResponse({ origin, credentials, status: actual.status, headers: actual.headers });

  const failures = [...(preflight?.checks ?? []), ...actual.checks].filter((check) => check.outcome === "error");
  const networkError = preflight?.error ?? actual.error;
  const blocked = !sameOrigin && (failures.length > 0 || networkError !== null);
  const summary = sameOrigin
    ? `Same origin: a page on ${origin} calls ${method} ${path} without CORS.`
    : networkError !== null
      ? `The request failed before any CORS check: ${networkError}`
      : blocked
        ? `A browser on ${origin} would block ${method} ${path}: ${describe(failures[0]!)}${failures.length > 1 ? ` (and ${failures.length - 1} more problem${failures.length > 2 ? "s" : ""} below)` : ""}`
        : `A page on ${origin} can call ${method} ${path} and read the response${reasons.length > 0 ? " (after a successful preflight)" : " (no preflight needed)"}.`;

  const withCredentials: string[] = [];
  if (!credentials && !sameOrigin && networkError === null) {
    const again = [
      ...(preflight?.status != null
        ? checkPreflight({
            method,
            requestHeaders: headers,
            origin,
            credentials: true,
            status: preflight.status,
            headers: preflight.headers,
            body: preflight.bodyStart,
            path,
          })
        : []),
      ...(actual.status !== null ? corsCheck(actual.headers, origin, true) : []),
    ];
    const known = new Set(failures.map(describe));
    for (const check of again) if (check.outcome === "error" && !known.has(describe(check))) withCredentials.push(describe(check));
  }

  return {
    origin,
    url: input.url,
    method,
    credentials,
    sameOrigin,
    requestNotes,
    preflight: { needed: reasons.length > 0, reasons, exchange: preflight },
    actual,
    blocked,
    summary,
    withCredentials: [...new Set(withCredentials)],
  };
}

function describe(check: HeaderCheck): string {
  return check.header === "status" ? check.message : `${check.header}: ${check.message}`;
}

async function exchange(
  method: string,
  url: string,
  sent: Array<[string, string]>,
  body: string | null,
  signal?: AbortSignal,
): Promise<CorsExchange> {
  const result: CorsExchange = { method, url, sent, status: null, statusText: "", headers: [], bodyStart: "", error: null, checks: [] };
  try {
    const response = await fetch(url, { method, headers: sent, body, redirect: "manual", signal });
    result.status = response.status;
    result.statusText = response.statusText;
    response.headers.forEach((value, name) => {
      result.headers.push([name, value]);
    });
    const text = await response.text();
    result.bodyStart = text.slice(0, 500);
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    result.error = `${(error as Error).message}${cause instanceof Error ? `: ${cause.message}` : ""}`;
  }
  return result;
}

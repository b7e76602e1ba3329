// GETs a JSON document from an auth provider (JWKS, OIDC discovery) and says precisely what went
// wrong, so callers can name the URL in an error the developer can act on.
import { STATUS_CODES } from "node:http";

export type FetchFailure =
  | { kind: "network"; detail: string }
  | { kind: "status"; status: number; reason: string; body: string }
  | { kind: "content-type"; contentType: string }
  | { kind: "json"; detail: string };

export type FetchResult = { ok: true; value: unknown } | { ok: false; failure: FetchFailure };

/** A provider that does not answer must not hold a function forever. */
const FETCH_TIMEOUT_MS = 10_000;

/**
 * `accept` lists the media types taken as JSON (the backend refuses others, and charsets other
 * than utf-8). `data:` URLs are read without that check, as the backend does for inline JWKS.
 */
export async function fetchJson(url: string, accept: readonly string[]): Promise<FetchResult> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    return { ok: false, failure: { kind: "network", detail: describeFetchError(error) } };
  }
  const isData = url.startsWith("data:");
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { ok: false, failure: { kind: "network", detail: describeFetchError(error) } };
  }
  if (!isData && response.status !== 200) {
    const reason = STATUS_CODES[response.status] ?? "Unknown";
    return { ok: false, failure: { kind: "status", status: response.status, reason, body: text.slice(0, 500) } };
  }
  const contentType = response.headers.get("content-type");
  if (!isData && !isAcceptedJson(contentType, accept)) {
    return { ok: false, failure: { kind: "content-type", contentType: contentType ?? "unknown" } };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, failure: { kind: "json", detail: (error as Error).message } };
  }
}

function isAcceptedJson(contentType: string | null, accept: readonly string[]): boolean {
  if (!contentType) return false;
  const [essence = "", ...params] = contentType.split(";").map((part) => part.trim());
  if (!accept.includes(essence.toLowerCase())) return false;
  const charset = params.find((p) => p.toLowerCase().startsWith("charset="));
  return !charset || charset.slice("charset=".length).replace(/"/g, "").toLowerCase() === "utf-8";
}

// Node's fetch reports "fetch failed" and hides the reason (ECONNREFUSED, ENOTFOUND) in `cause`.
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message && cause.message !== error.message) return `${error.message}: ${cause.message}`;
  return error.message;
}

// GETs a JSON document from an auth provider (JWKS, OIDC discovery) and says precisely what went
// wrong, so callers can name the URL in an error the developer can act on.
import { STATUS_CODES } from "node:http";

export type FetchFailure =
  | { kind: "network"; detail: string }
  | { kind: "status"; status: number; reason: string; body: string }
  | { kind: "content-type"; contentType: string }
  | { kind: "json"; detail: string }
  | { kind: "too-large" };

export type FetchResult = { ok: true; value: unknown } | { ok: false; failure: FetchFailure };

/** A provider that does not answer must not hold a function forever. */
const FETCH_TIMEOUT_MS = 10_000;

/**
 * Key sets and discovery documents are a few KiB; a provider (or whatever answers at its URL)
 * sending more is not read on, so that it cannot fill the memory of the process serving.
 */
export const PROVIDER_DOCUMENT_LIMIT = 1024 * 1024;
export const PROVIDER_DOCUMENT_LIMIT_TEXT = "1 MiB, the limit for auth provider documents";

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
  let text: string | null;
  try {
    text = await readCapped(response, PROVIDER_DOCUMENT_LIMIT);
  } catch (error) {
    return { ok: false, failure: { kind: "network", detail: describeFetchError(error) } };
  }
  if (!isData && response.status !== 200) {
    const reason = STATUS_CODES[response.status] ?? "Unknown";
    return { ok: false, failure: { kind: "status", status: response.status, reason, body: (text ?? "").slice(0, 500) } };
  }
  if (text === null) return { ok: false, failure: { kind: "too-large" } };
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

/** The body as text, read chunk by chunk; null as soon as it passes `limit` bytes (or says it will). */
async function readCapped(response: Response, limit: number): Promise<string | null> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length).toString("utf8");
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

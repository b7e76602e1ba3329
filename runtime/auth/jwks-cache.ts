// Public keys of each provider, fetched once per URL and kept for a while. A token signed with a
// key we do not have (the provider rotated its keys) triggers one refetch, but at most one per
// cooldown per URL, so tokens with made-up `kid`s cannot make us hammer the provider.
import type { JWK } from "jose";
import { AuthError } from "./auth-error";
import { fetchJson, PROVIDER_DOCUMENT_LIMIT_TEXT, type FetchFailure } from "./fetch-json";

export interface JwksCacheOptions {
  /** How long fetched keys are used before they are fetched again. */
  ttlMs?: number;
  /** Minimum time between two refetches forced by an unknown key, per URL. */
  refetchCooldownMs?: number;
  now?: () => number;
}

const JWKS_MEDIA_TYPES = ["application/json", "application/jwk-set+json"];

interface Entry {
  keys: JWK[];
  fetchedAt: number;
}

export class JwksCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<JWK[]>>();
  readonly #lastForced = new Map<string, number>();
  /** Key sets known in-process (the local dev issuer's): never fetched, never forgotten. */
  readonly #pinned = new Map<string, JWK[]>();
  readonly #ttlMs: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;

  constructor(options: JwksCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
    this.#cooldownMs = options.refetchCooldownMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The keys at `url`, from the cache while fresh. Throws an AuthError naming the URL. */
  async keys(url: string): Promise<JWK[]> {
    const pinned = this.#pinned.get(url);
    if (pinned) return pinned;
    const entry = this.#entries.get(url);
    if (entry && this.#now() - entry.fetchedAt < this.#ttlMs) return entry.keys;
    return this.#load(url);
  }

  /**
   * Fetches the keys again because a token named a key we lack. Returns null when a refetch for
   * this URL happened within the cooldown: the caller then reports the unknown key.
   */
  async refetch(url: string): Promise<JWK[] | null> {
    if (this.#pinned.has(url)) return null;
    const last = this.#lastForced.get(url);
    const now = this.#now();
    if (last !== undefined && now - last < this.#cooldownMs) return null;
    this.#lastForced.set(url, now);
    return this.#load(url);
  }

  /** Serves `keys` for `url` without fetching (null removes them); survives clear(). */
  pin(url: string, keys: JWK[] | null): void {
    if (keys) this.#pinned.set(url, keys);
    else this.#pinned.delete(url);
  }

  clear(): void {
    this.#entries.clear();
    this.#lastForced.clear();
  }

  #load(url: string): Promise<JWK[]> {
    // Concurrent checks of tokens from one provider share one request.
    const pending = this.#inflight.get(url);
    if (pending !== undefined) return pending;
    const load = (async () => {
      const result = await fetchJson(url, JWKS_MEDIA_TYPES);
      if (!result.ok) throw jwksFetchError(url, result.failure);
      const keys = readKeySet(result.value);
      if (!keys) throw invalidBody(url);
      this.#entries.set(url, { keys, fetchedAt: this.#now() });
      return keys;
    })().finally(() => this.#inflight.delete(url));
    this.#inflight.set(url, load);
    return load;
  }
}

function readKeySet(value: unknown): JWK[] | null {
  if (typeof value !== "object" || value === null) return null;
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return null;
  return keys.filter((k): k is JWK => typeof k === "object" && k !== null && typeof (k as JWK).kty === "string");
}

// The backend's wording (crates/authentication/src/lib.rs, fetch_jwks).
function jwksFetchError(url: string, failure: FetchFailure): AuthError {
  if (failure.kind === "too-large") {
    const where = url.startsWith("data:") ? "the data URL" : `URL '${url}'`;
    return new AuthError(
      "InvalidAuthHeader",
      `Could not fetch JWKS from ${where}: the document is larger than ${PROVIDER_DOCUMENT_LIMIT_TEXT}.`,
    );
  }
  if (url.startsWith("data:")) {
    return new AuthError(
      "InvalidAuthHeader",
      "Invalid JWKS data URL. Check that the data URL is properly formatted and contains valid base64-encoded JSON.",
    );
  }
  switch (failure.kind) {
    case "network":
      return new AuthError(
        "InvalidAuthHeader",
        `Could not fetch JWKS from URL '${url}': ${failure.detail}. Check that the URL is correct and accessible.`,
      );
    case "status":
      return new AuthError(
        "InvalidAuthHeader",
        `Could not fetch JWKS from URL '${url}': HTTP ${failure.status} ${failure.reason}. Check that the URL is correct and accessible.`,
      );
    case "content-type":
      return new AuthError(
        "InvalidAuthHeader",
        `Invalid Content-Type '${failure.contentType}' when fetching JWKS from '${url}'. Expected 'application/json' or 'application/jwk-set+json'.`,
      );
    case "json":
      return invalidBody(url);
  }
}

function invalidBody(url: string): AuthError {
  return new AuthError(
    "InvalidAuthHeader",
    `Invalid JWKS response body from '${url}'. The response is not valid JSON or doesn't match the expected JWKS format.`,
  );
}

// OpenID Connect discovery: `${issuer}/.well-known/openid-configuration` names the provider's key
// set. Like the backend (openidconnect's discover_async), the document is fetched for the token's
// own `iss` and must name exactly that issuer. Documents are cached per issuer.
import { AuthError } from "./auth-error";
import { fetchJson, PROVIDER_DOCUMENT_LIMIT_TEXT } from "./fetch-json";

interface Entry {
  jwksUri: string;
  fetchedAt: number;
}

export class OidcDiscovery {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The `jwks_uri` of the provider whose issuer is `issuer` (the token's `iss`, verbatim). */
  async jwksUri(issuer: string): Promise<string> {
    const entry = this.#entries.get(issuer);
    if (entry && this.now() - entry.fetchedAt < this.ttlMs) return entry.jwksUri;
    const pending = this.#inflight.get(issuer);
    if (pending !== undefined) return pending;
    const load = this.#discover(issuer).finally(() => this.#inflight.delete(issuer));
    this.#inflight.set(issuer, load);
    return load;
  }

  clear(): void {
    this.#entries.clear();
  }

  async #discover(issuer: string): Promise<string> {
    const failed = (detail: string) =>
      new AuthError("AuthProviderDiscoveryFailed", `Auth provider discovery of ${issuer} failed: ${detail}`);
    if (!URL.canParse(issuer)) throw failed("the token's 'iss' is not a URL");
    const url = discoveryUrl(issuer);
    const result = await fetchJson(url, ["application/json"]);
    if (!result.ok) {
      const f = result.failure;
      if (f.kind === "status") throw failed(`${f.status} ${f.reason} ${f.body}`.trim());
      if (f.kind === "network") throw failed(`could not fetch '${url}': ${f.detail}`);
      if (f.kind === "content-type") throw failed(`'${url}' answered with Content-Type '${f.contentType}', expected 'application/json'`);
      if (f.kind === "too-large") throw failed(`'${url}' is larger than ${PROVIDER_DOCUMENT_LIMIT_TEXT}`);
      throw failed(`'${url}' did not answer with JSON (${f.detail})`);
    }
    const doc = result.value as { issuer?: unknown; jwks_uri?: unknown } | null;
    if (typeof doc !== "object" || doc === null) throw failed(`'${url}' did not answer with a JSON object`);
    if (doc.issuer !== issuer) {
      throw failed(`unexpected issuer URI \`${String(doc.issuer)}\` in '${url}' (expected \`${issuer}\`, the token's 'iss')`);
    }
    if (typeof doc.jwks_uri !== "string") throw failed(`'${url}' has no 'jwks_uri'`);
    this.#entries.set(issuer, { jwksUri: doc.jwks_uri, fetchedAt: this.now() });
    return doc.jwks_uri;
  }
}

/** openidconnect's IssuerUrl join: one slash between the issuer and the well-known path. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.endsWith("/") ? issuer : `${issuer}/`}.well-known/openid-configuration`;
}

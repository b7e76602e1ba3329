// Checks a bearer token against the providers of auth.config.ts and returns the identity, or
// throws an AuthError that says which check failed. The steps follow the backend's
// validate_id_token (crates/authentication/src/lib.rs): read the claims unverified, pick the
// provider by `iss` and `aud`, then verify for that provider's kind.
import type { JWK } from "jose";
import type { Provider } from "./auth-config";
import { AuthError } from "./auth-error";
import { verifyCustomJwt } from "./custom-jwt";
import { isDevIssuerUrl, type CustomJwtProvider } from "./dev-issuer";
import type { Identity } from "./identity";
import { IdentityCache } from "./identity-cache";
import { JwksCache } from "./jwks-cache";
import { readUnverified } from "./jwt-parts";
import { OidcDiscovery } from "./oidc-discovery";
import { verifyOidcToken } from "./oidc-token";
import { selectProvider } from "./select-provider";
import type { VerifiedToken } from "./verified-token";

export interface TokenVerifierOptions {
  now?: () => number;
  /** How long key sets and discovery documents are reused. */
  documentTtlMs?: number;
  /** Minimum time between refetches of one key set forced by unknown keys. */
  refetchCooldownMs?: number;
  /** How many verified tokens are remembered. */
  maxCachedIdentities?: number;
}

/** A provider whose keys are known in-process (the local dev issuer), trusted besides auth.config.ts. */
export interface PinnedProvider {
  provider: CustomJwtProvider;
  keys: JWK[];
}

export class TokenVerifier {
  #providers: readonly Provider[] = [];
  #dev: PinnedProvider | null = null;
  #configError: AuthError | null = null;
  readonly #now: () => number;
  readonly #jwks: JwksCache;
  readonly #discovery: OidcDiscovery;
  readonly #identities: IdentityCache;
  readonly #inflight = new Map<string, Promise<Identity>>();

  constructor(options: TokenVerifierOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#jwks = new JwksCache({ ttlMs: options.documentTtlMs, refetchCooldownMs: options.refetchCooldownMs, now: this.#now });
    this.#discovery = new OidcDiscovery(options.documentTtlMs, this.#now);
    this.#identities = new IdentityCache(options.maxCachedIdentities, this.#now);
  }

  /** New providers (the project reloaded): nothing verified under the old ones is reused. */
  setProviders(providers: readonly Provider[]): void {
    this.#providers = providers;
    this.#configError = null;
    this.#forget();
  }

  /** auth.config.ts is broken: every token check reports it until the next good load. */
  setConfigError(error: AuthError): void {
    this.#providers = [];
    this.#configError = error;
    this.#forget();
  }

  /** Trusts (or, with null, stops trusting) the local dev issuer; its keys are never fetched. */
  setDevIssuer(dev: PinnedProvider | null): void {
    if (this.#dev) this.#jwks.pin(this.#dev.provider.jwks, null);
    this.#dev = dev;
    if (dev) this.#jwks.pin(dev.provider.jwks, dev.keys);
    this.#forget();
  }

  get cachedIdentities(): number {
    return this.#identities.size;
  }

  async verify(token: string): Promise<Identity> {
    if (this.#configError) throw this.#configError;
    const cached = this.#identities.get(token);
    if (cached) return cached;
    // The functions of one request often ask at the same time: one check serves them all.
    const pending = this.#inflight.get(token);
    if (pending !== undefined) return pending;
    const check: Promise<Identity> = this.#check(token).finally(() => {
      if (this.#inflight.get(token) === check) this.#inflight.delete(token);
    });
    this.#inflight.set(token, check);
    return check;
  }

  async #check(token: string): Promise<Identity> {
    const providers = this.#providers;
    const dev = this.#dev;
    const jwt = readUnverified(token);
    const provider = this.#select(jwt.issuer, jwt.audiences);
    const nowSeconds = Math.floor(this.#now() / 1000);
    const verified: VerifiedToken =
      provider.kind === "oidc"
        ? await verifyOidcToken(token, jwt, provider, this.#discovery, this.#jwks, nowSeconds)
        : await verifyCustomJwt(token, jwt, provider, this.#jwks, nowSeconds);
    // A reload during the check must not let an identity of the old config into the cache.
    if (providers === this.#providers && dev === this.#dev) this.#identities.set(token, verified);
    return verified.identity;
  }

  #select(issuer: string, audiences: string[]): Provider {
    const candidates = this.#dev ? [...this.#providers, this.#dev.provider] : this.#providers;
    try {
      return selectProvider(candidates, issuer, audiences);
    } catch (error) {
      if (error instanceof AuthError && !this.#dev && isDevIssuerUrl(issuer)) {
        throw new AuthError(
          error.code,
          `${error.message} It was signed by Convex Lens's local dev issuer, which this runtime does not trust (the dev issuer is off).`,
        );
      }
      throw error;
    }
  }

  #forget(): void {
    this.#identities.clear();
    this.#inflight.clear();
    this.#jwks.clear();
    this.#discovery.clear();
  }
}

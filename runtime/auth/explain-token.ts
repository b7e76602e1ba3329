// "Decode token": explains a JWT against auth.config.ts — its header and claims, which provider it
// is for (by `iss` and `aud`), and each check the runtime makes, passed or failed, with the reason.
// The verdict comes from the runtime's own verification functions (selectProvider, then
// verifyCustomJwt / verifyOidcToken), so it is the error a function would get; the findings only
// break it down, and go on past the first failure. No vscode: the extension renders the result.
import { decodeJwt, decodeProtectedHeader } from "jose";
import { missingExportError, parseAuthConfig, type Provider } from "./auth-config";
import { AuthError, debugList } from "./auth-error";
import { LEEWAY_SECONDS, verifyCustomJwt } from "./custom-jwt";
import { DEV_PROVIDER_INDEX, isDevIssuerUrl } from "./dev-issuer";
import type { Identity } from "./identity";
import { JwksCache } from "./jwks-cache";
import { audiencesOf, readUnverified } from "./jwt-parts";
import { OidcDiscovery } from "./oidc-discovery";
import { NBF_LEEWAY_SECONDS, OIDC_ALGORITHMS, verifyOidcToken } from "./oidc-token";
import { matchesToken, selectProvider, trimSlashes, withScheme } from "./select-provider";
import type { PinnedProvider } from "./token-verifier";
import { verifySignature, type AllowedAlgorithm } from "./verify-signature";

/** The auth config to explain against: what auth.config.ts exports (null: no such file), or why it is unknown. */
export type AuthConfigInput =
  /** `exists`: the file is there (a null `config` then means it exports nothing usable). */
  { kind: "loaded"; config: unknown; file: string; exists?: boolean } | { kind: "unavailable"; reason: string };

/** The checks, in the order findings are listed. */
export const TOKEN_CHECKS = [
  "format",
  "config",
  "provider",
  "iss",
  "aud",
  "alg",
  "keys",
  "kid",
  "signature",
  "exp",
  "nbf",
  "claims",
] as const;
export type TokenCheck = (typeof TOKEN_CHECKS)[number];

export interface TokenFinding {
  check: TokenCheck;
  outcome: "pass" | "fail" | "warn" | "skip";
  message: string;
}

/** How the token compares with one provider. */
export interface ProviderComparison {
  /** Index in auth.config.ts's `providers`; -1 for the local dev issuer. */
  index: number;
  label: string;
  kind: Provider["kind"];
  issuer: string;
  applicationId: string | null;
  issuerMatches: boolean;
  /** null: the provider has no applicationID, so `aud` is not checked. */
  audienceMatches: boolean | null;
  dev: boolean;
}

export interface TimeClaim {
  claim: "iat" | "nbf" | "exp";
  seconds: number;
  iso: string;
  /** "in 59 min", "3 s ago". */
  relative: string;
}

export type TokenVerdict = { ok: true; identity: Identity } | { ok: false; check: TokenCheck | "other"; message: string };

export interface TokenExplanation {
  header: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  times: TimeClaim[];
  /** The token's `iss` is a Convex Lens dev issuer. */
  fromDevIssuer: boolean;
  providers: ProviderComparison[];
  /** The provider the checks ran against: the matching one, else the closest. */
  checked: ProviderComparison | null;
  findings: TokenFinding[];
  verdict: TokenVerdict;
}

export interface ExplainOptions {
  /** The local dev issuer, when the runtime trusts it. */
  devIssuer?: PinnedProvider | null;
}

const NOT_A_JWT =
  "Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots.";

/** `now` in milliseconds since the epoch. Fetches key sets (and OIDC discovery) as the runtime would. */
export async function explainToken(
  token: string,
  authConfig: AuthConfigInput,
  now: number,
  options: ExplainOptions = {},
): Promise<TokenExplanation> {
  const raw = token.trim().replace(/^bearer\s+/i, "");
  const nowSeconds = Math.floor(now / 1000);
  const findings: TokenFinding[] = [];
  const add = (check: TokenCheck, outcome: TokenFinding["outcome"], message: string) => findings.push({ check, outcome, message });
  const dev = options.devIssuer ?? null;

  const header = decodeOr<Record<string, unknown>>(() => decodeProtectedHeader(raw));
  const claims = decodeOr<Record<string, unknown>>(() => decodeJwt(raw));
  const explanation: TokenExplanation = {
    header,
    claims,
    times: [],
    fromDevIssuer: false,
    providers: [],
    checked: null,
    findings,
    verdict: { ok: false, check: "format", message: NOT_A_JWT },
  };
  if (!header || !claims) {
    add(
      "format",
      "fail",
      header ? NOT_A_JWT : "Could not decode token. The JWT header is not base64url-encoded JSON (or the token does not have three parts).",
    );
    return explanation;
  }
  add("format", "pass", "Three base64url parts; the header and the claims are JSON.");
  explanation.times = timeClaims(claims, nowSeconds);

  // The providers: auth.config.ts's, then the dev issuer's.
  let providers: Provider[] = [];
  let configError: AuthError | null = null;
  if (authConfig.kind === "unavailable") {
    add("config", "warn", `auth.config.ts was not read: ${authConfig.reason}`);
  } else {
    try {
      if ((authConfig.config === null || authConfig.config === undefined) && authConfig.exists) throw missingExportError(authConfig.file);
      providers = parseAuthConfig(authConfig.config, authConfig.file);
      add(
        "config",
        "pass",
        providers.length === 0
          ? `${authConfig.file} configures no providers.`
          : `${authConfig.file} configures ${providers.length} provider${providers.length === 1 ? "" : "s"}.`,
      );
    } catch (error) {
      configError = error instanceof AuthError ? error : new AuthError("AuthConfigNotMatchingSchemaError", String(error));
      add("config", "fail", configError.message);
    }
  }
  const candidates = dev ? [...providers, dev.provider] : providers;

  const iss = claims.iss;
  const audiences = audiencesOf(claims.aud);
  if (typeof iss !== "string") {
    add(
      "iss",
      "fail",
      "Missing issuer claim ('iss') in JWT payload. The JWT must include an 'iss' claim that matches one of your configured auth providers.",
    );
  }
  const issuer = typeof iss === "string" ? iss : "";
  explanation.fromDevIssuer = isDevIssuerUrl(issuer);
  explanation.providers = candidates.map((p) => compare(p, issuer, audiences));

  const jwks = new JwksCache({ now: () => now });
  const discovery = new OidcDiscovery(undefined, () => now);
  if (dev) jwks.pin(dev.provider.jwks, dev.keys);

  const chosen = typeof iss === "string" ? choose(candidates, explanation.providers, issuer, audiences) : null;
  if (typeof iss === "string") {
    if (explanation.fromDevIssuer && !dev) {
      add(
        "provider",
        "fail",
        "Signed by a Convex Lens local dev issuer, which the runtime does not trust now (it is stopped, or the dev issuer is off). Dev tokens are never valid on a deployment.",
      );
    } else if (chosen?.exact) {
      add("provider", "pass", `Matches ${labelOf(chosen.provider)} by iss and aud.`);
    } else if (chosen) {
      add("provider", "warn", `No provider matches both iss and aud. Closest: ${labelOf(chosen.provider)}; see the iss and aud checks.`);
    } else if (candidates.length === 0) {
      add(
        "provider",
        "fail",
        authConfig.kind === "unavailable"
          ? "No provider to check against."
          : "No auth provider found matching the given token (no providers configured).",
      );
    } else {
      add("provider", "fail", `No provider has the token's iss '${issuer}' or its aud ${debugList(audiences)}.`);
    }
  }
  if (chosen) {
    explanation.checked = compare(chosen.provider, issuer, audiences);
    await checkAgainst(chosen.provider, raw, header, claims, issuer, audiences, nowSeconds, jwks, discovery, add);
  }

  explanation.verdict = await verdict(raw, candidates, configError, authConfig, nowSeconds, jwks, discovery, findings);
  return explanation;
}

function decodeOr<T>(decode: () => unknown): T | null {
  try {
    return decode() as T;
  } catch {
    return null;
  }
}

function compare(provider: Provider, issuer: string, audiences: readonly string[]): ProviderComparison {
  const providerIssuer = provider.kind === "oidc" ? provider.domain : provider.issuer;
  return {
    index: provider.index,
    label: labelOf(provider),
    kind: provider.kind,
    issuer: providerIssuer,
    applicationId: provider.applicationId,
    issuerMatches: issuer !== "" && trimSlashes(providerIssuer) === trimSlashes(withScheme(issuer)),
    audienceMatches: provider.applicationId === null ? null : audiences.includes(provider.applicationId),
    dev: provider.index === DEV_PROVIDER_INDEX,
  };
}

export function labelOf(provider: Provider): string {
  if (provider.index === DEV_PROVIDER_INDEX)
    return `the Convex Lens dev issuer (${provider.kind === "customJwt" ? provider.issuer : provider.domain})`;
  return provider.kind === "oidc"
    ? `provider #${provider.index} (OIDC, domain ${provider.domain})`
    : `provider #${provider.index} (customJwt, issuer ${provider.issuer})`;
}

/** The provider the runtime would pick; else the closest one (same issuer first, then same audience). */
function choose(
  providers: readonly Provider[],
  comparisons: readonly ProviderComparison[],
  issuer: string,
  audiences: readonly string[],
): { provider: Provider; exact: boolean } | null {
  const exact = providers.find((p) => matchesToken(p, issuer, audiences));
  if (exact) return { provider: exact, exact: true };
  const byIssuer = providers.find((_, i) => comparisons[i]!.issuerMatches);
  if (byIssuer) return { provider: byIssuer, exact: false };
  const byAudience = providers.find((_, i) => comparisons[i]!.audienceMatches === true);
  if (byAudience) return { provider: byAudience, exact: false };
  return providers.length === 1 ? { provider: providers[0]!, exact: false } : null;
}

type Add = (check: TokenCheck, outcome: TokenFinding["outcome"], message: string) => void;

/** Every check the runtime makes for `provider`, each reported on its own. */
async function checkAgainst(
  provider: Provider,
  token: string,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  issuer: string,
  audiences: string[],
  nowSeconds: number,
  jwks: JwksCache,
  discovery: OidcDiscovery,
  add: Add,
): Promise<void> {
  const providerIssuer = provider.kind === "oidc" ? provider.domain : provider.issuer;
  const issuerMatches = trimSlashes(providerIssuer) === trimSlashes(withScheme(issuer));
  add(
    "iss",
    issuerMatches ? "pass" : "fail",
    issuerMatches
      ? `iss '${issuer}' is the provider's ${provider.kind === "oidc" ? "domain" : "issuer"}.`
      : `Invalid issuer: ${issuer} != ${providerIssuer}`,
  );

  if (provider.applicationId === null) {
    add("aud", "skip", "The provider has no applicationID: aud is not checked.");
  } else if (claims.aud === undefined) {
    add(
      "aud",
      "fail",
      "Missing audience claim ('aud') in JWT payload. The JWT must include an 'aud' claim that matches your configured application ID.",
    );
  } else if (!audiences.includes(provider.applicationId)) {
    add("aud", "fail", `Invalid audience: ${provider.applicationId} not in ${debugList(audiences)}`);
  } else if (provider.kind === "oidc" && audiences.some((a) => a !== provider.applicationId)) {
    const untrusted = audiences.find((a) => a !== provider.applicationId)!;
    add(
      "aud",
      "fail",
      `Invalid audiences: \`${untrusted}\` is not a trusted audience (only the applicationID \`${provider.applicationId}\` is).`,
    );
  } else {
    add("aud", "pass", `aud ${debugList(audiences)} contains the applicationID '${provider.applicationId}'.`);
  }

  const alg = typeof header.alg === "string" ? header.alg : undefined;
  const allowed: readonly string[] = provider.kind === "oidc" ? OIDC_ALGORITHMS : [provider.algorithm];
  const algOk = alg !== undefined && allowed.includes(alg);
  if (alg === undefined || alg.toLowerCase() === "none") add("alg", "fail", `The token is not signed: 'alg' is '${alg ?? "missing"}'.`);
  else if (!algOk)
    add(
      "alg",
      "fail",
      provider.kind === "oidc"
        ? `The token is signed with '${alg}'; OIDC tokens are accepted with ${OIDC_ALGORITHMS.join(" or ")} only.`
        : `The JWT is signed with '${alg}', but this provider's algorithm is '${allowed[0]}'.`,
    );
  else add("alg", "pass", `Signed with ${alg}, which the provider accepts.`);

  await checkKeys(
    provider,
    token,
    alg,
    algOk,
    issuerMatches,
    issuer,
    typeof header.kid === "string" ? header.kid : undefined,
    jwks,
    discovery,
    add,
  );

  const exp = claims.exp;
  const nbf = claims.nbf;
  const expLeeway = provider.kind === "oidc" ? 0 : LEEWAY_SECONDS;
  if (exp === undefined)
    add(
      "exp",
      "fail",
      provider.kind === "oidc"
        ? "The 'exp' claim is missing: an OIDC ID token must have one."
        : "Missing expiry: the token has no 'exp' claim.",
    );
  else if (typeof exp !== "number") add("exp", "fail", "'exp' is not a number.");
  else if (provider.kind === "oidc" ? nowSeconds >= exp : nowSeconds - exp > expLeeway)
    add("exp", "fail", `Token expired ${Math.floor(nowSeconds - exp)} seconds ago (at ${iso(exp)}).`);
  else add("exp", "pass", `Valid until ${iso(exp)} (${relative(exp, nowSeconds)}).`);
  const nbfLeeway = provider.kind === "oidc" ? NBF_LEEWAY_SECONDS : LEEWAY_SECONDS;
  if (nbf === undefined) add("nbf", "skip", "No 'nbf' claim.");
  else if (typeof nbf !== "number") add("nbf", "fail", "'nbf' is not a number.");
  else if (nbf - nowSeconds > nbfLeeway)
    add("nbf", "fail", `Token will be valid in ${Math.floor(nbf - nowSeconds)} seconds (not before ${iso(nbf)}).`);
  else add("nbf", "pass", `Valid since ${iso(nbf)}.`);

  const missing: string[] = [];
  if (typeof claims.sub !== "string") missing.push("'sub' (the subject)");
  if (provider.kind === "oidc" && typeof claims.iat !== "number") missing.push("'iat'");
  if (missing.length > 0) add("claims", "fail", `Missing or invalid ${missing.join(" and ")}.`);
  else add("claims", "pass", `Subject '${String(claims.sub)}'.`);
}

async function checkKeys(
  provider: Provider,
  token: string,
  alg: string | undefined,
  algOk: boolean,
  issuerMatches: boolean,
  tokenIssuer: string,
  kid: string | undefined,
  jwks: JwksCache,
  discovery: OidcDiscovery,
  add: Add,
): Promise<void> {
  const skip = (why: string) => {
    add("kid", "skip", why);
    add("signature", "skip", why);
  };
  if (!algOk) return skip("Not checked: the algorithm is refused.");
  let url: string;
  if (provider.kind === "oidc") {
    // Discovery happens at the token's own iss: only for a token that names this provider.
    if (!issuerMatches) return skip("Not checked: OIDC keys are found from the token's iss, which is not this provider.");
    try {
      url = await discovery.jwksUri(tokenIssuer);
    } catch (error) {
      add("keys", "fail", (error as Error).message);
      return skip("Not checked: the provider's keys could not be found.");
    }
  } else {
    url = provider.jwks;
  }
  let keys;
  try {
    keys = await jwks.keys(url);
  } catch (error) {
    add("keys", "fail", (error as Error).message);
    return skip("Not checked: the provider's keys could not be fetched.");
  }
  add("keys", "pass", `${keys.length} key${keys.length === 1 ? "" : "s"} at ${url.startsWith("data:") ? "an inline data: URL" : url}.`);
  const outcome = await verifySignature(token, alg as AllowedAlgorithm, kid, keys, provider.kind === "customJwt");
  if (outcome.ok) {
    add(
      "kid",
      "pass",
      kid === undefined ? "No 'kid' header; a key of the provider's JWKS fits." : `kid '${kid}' is in the provider's JWKS.`,
    );
    add("signature", "pass", "The signature verifies.");
    return;
  }
  switch (outcome.reason) {
    case "no-kid":
      add("kid", "fail", "JWT may be missing a 'kid' (key ID) header.");
      add("signature", "skip", "Not checked: no key to check it with.");
      return;
    case "no-key":
      add(
        "kid",
        "fail",
        `Unknown kid '${kid ?? "none"}': the JWKS at '${url}' has ${outcome.available.length > 0 ? `the keys ${debugList(outcome.available)}` : "no keys"}.`,
      );
      add("signature", "skip", "Not checked: no key to check it with.");
      return;
    case "bad-signature":
      add("kid", "pass", `kid '${kid ?? "none"}' is in the provider's JWKS.`);
      add("signature", "fail", `Invalid signature: the token does not verify with the key '${kid ?? "none"}' of the JWKS at '${url}'.`);
      return;
    case "bad-key":
      add("kid", "pass", `kid '${kid ?? "none"}' is in the provider's JWKS.`);
      add("signature", "fail", `The key '${kid ?? "none"}' of the JWKS at '${url}' cannot be used: ${outcome.detail}`);
      return;
  }
}

/** What the runtime itself says, with the first failed finding naming the check. */
async function verdict(
  token: string,
  candidates: readonly Provider[],
  configError: AuthError | null,
  authConfig: AuthConfigInput,
  nowSeconds: number,
  jwks: JwksCache,
  discovery: OidcDiscovery,
  findings: readonly TokenFinding[],
): Promise<TokenVerdict> {
  const failed = findings.find((f) => f.outcome === "fail");
  const check = failed?.check ?? "other";
  if (configError) return { ok: false, check: "config", message: configError.message };
  try {
    const jwt = readUnverified(token);
    let provider: Provider;
    try {
      provider = selectProvider(candidates, jwt.issuer, jwt.audiences);
    } catch (error) {
      if (authConfig.kind === "unavailable") {
        return { ok: false, check: "config", message: `Could not check the token against auth.config.ts: ${authConfig.reason}` };
      }
      throw error;
    }
    const verified =
      provider.kind === "oidc"
        ? await verifyOidcToken(token, jwt, provider, discovery, jwks, nowSeconds)
        : await verifyCustomJwt(token, jwt, provider, jwks, nowSeconds);
    return { ok: true, identity: verified.identity };
  } catch (error) {
    return { ok: false, check, message: error instanceof Error ? error.message : String(error) };
  }
}

function timeClaims(claims: Record<string, unknown>, nowSeconds: number): TimeClaim[] {
  const out: TimeClaim[] = [];
  for (const claim of ["iat", "nbf", "exp"] as const) {
    const value = claims[claim];
    if (typeof value === "number" && Number.isFinite(value))
      out.push({ claim, seconds: value, iso: iso(value), relative: relative(value, nowSeconds) });
  }
  return out;
}

function iso(seconds: number): string {
  const ms = Math.floor(seconds) * 1000;
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString().replace(".000Z", "Z") : String(seconds);
}

/** "in 59 min", "3 s ago", "now". */
export function relative(seconds: number, nowSeconds: number): string {
  const delta = Math.round(seconds - nowSeconds);
  if (delta === 0) return "now";
  const size = Math.abs(delta);
  const text =
    size < 120
      ? `${size} s`
      : size < 7200
        ? `${Math.round(size / 60)} min`
        : size < 172_800
          ? `${Math.round(size / 3600)} h`
          : `${Math.round(size / 86_400)} days`;
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

// Picks the provider a token claims to come from: AuthInfo::matches_token and
// enhance_no_provider_error in the backend (crates/common/src/auth.rs,
// crates/authentication/src/lib.rs).
import type { Provider } from "./auth-config";
import { AuthError, debugList } from "./auth-error";

export function selectProvider(providers: readonly Provider[], issuer: string, audiences: readonly string[]): Provider {
  const found = providers.find((p) => matchesToken(p, issuer, audiences));
  if (found) return found;
  throw new AuthError("NoAuthProvider", `${noProviderMessage(providers)} The token has iss '${issuer}' and aud ${debugList(audiences)}.`);
}

export function matchesToken(provider: Provider, issuer: string, audiences: readonly string[]): boolean {
  const domain = provider.kind === "oidc" ? provider.domain : provider.issuer;
  // aud only has to match when the provider names an application (always for OIDC).
  if (provider.applicationId !== null && !audiences.includes(provider.applicationId)) return false;
  return trimSlashes(domain) === trimSlashes(withScheme(issuer));
}

/**
 * Some issuers (dynamic.xyz) leave the scheme out of `iss`; the config gets https:// added, so the
 * token does too.
 */
export function withScheme(issuer: string): string {
  return issuer.startsWith("https://") || issuer.startsWith("http://") ? issuer : `https://${issuer}`;
}

/** Auth0 documents its domain without a trailing slash but puts one in `iss`: either matches. */
export function trimSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

function noProviderMessage(providers: readonly Provider[]): string {
  if (providers.length === 0) {
    return "No auth provider found matching the given token (no providers configured). Check convex/auth.config.ts.";
  }
  const list = providers.map((p) =>
    p.kind === "oidc"
      ? `OIDC(domain=${p.domain}, app_id=${p.applicationId})`
      : `CustomJWT(issuer=${p.issuer}, app_id=${p.applicationId ?? "none"})`,
  );
  return `No auth provider found matching the given token. Check that your JWT's issuer and audience match one of your configured providers: [${list.join(", ")}].`;
}

// Verifies a token for an OIDC provider (`domain` + `applicationID`) as the backend does with the
// openidconnect crate (crates/authentication/src/lib.rs, validate_id_token, AuthInfo::Oidc):
// discovery at the token's issuer, an ID token's required claims, RS256 or EdDSA signatures, the
// application ID as the only audience, and `exp` without leeway. The backend reports every
// verification failure with one sentence; the cause is added here so the developer knows which.
// Also checked here, unlike the backend: `nbf` (with the custom-JWT leeway of 5 seconds).
import type { Provider } from "./auth-config";
import { AuthError, debugList } from "./auth-error";
import { checkSignature } from "./check-signature";
import { ClaimTypeError, oidcIdentity } from "./identity";
import type { JwksCache } from "./jwks-cache";
import type { UnverifiedJwt } from "./jwt-parts";
import type { OidcDiscovery } from "./oidc-discovery";
import type { VerifiedToken } from "./verified-token";
import type { AllowedAlgorithm } from "./verify-signature";

type OidcProvider = Extract<Provider, { kind: "oidc" }>;

export const OIDC_ALGORITHMS: readonly AllowedAlgorithm[] = ["RS256", "EdDSA"];
export const NBF_LEEWAY_SECONDS = 5;

export async function verifyOidcToken(
  token: string,
  jwt: UnverifiedJwt,
  provider: OidcProvider,
  discovery: OidcDiscovery,
  jwks: JwksCache,
  nowSeconds: number,
): Promise<VerifiedToken> {
  const { header, payload, issuer } = jwt;
  const jwksUrl = await discovery.jwksUri(issuer);
  const notIdToken = (detail: string) =>
    new AuthError("InvalidAuthHeader", `Could not parse as OIDC ID token. Token might not be an OIDC-compliant JWT. (${detail})`);
  if (typeof payload.sub !== "string") throw notIdToken("the 'sub' claim is missing or not a string");
  if (payload.aud === undefined || jwt.audiences.length === 0) throw notIdToken("the 'aud' claim is missing");
  if (typeof payload.exp !== "number") throw notIdToken("the 'exp' claim is missing or not a number");
  if (typeof payload.iat !== "number") throw notIdToken("the 'iat' claim is missing or not a number");
  let identity;
  try {
    identity = oidcIdentity(payload, issuer, payload.sub);
  } catch (error) {
    if (error instanceof ClaimTypeError) throw notIdToken(error.message);
    throw error;
  }

  const unverified = (detail: string) =>
    new AuthError(
      "Unauthenticated",
      `Could not verify OIDC token claim. Check that the token signature is valid and the token hasn't expired. (${detail})`,
    );
  const alg = header.alg;
  if (alg === undefined || alg.toLowerCase() === "none") throw unverified(`The token is not signed: 'alg' is '${alg ?? "missing"}'.`);
  if (!(OIDC_ALGORITHMS as readonly string[]).includes(alg)) {
    throw unverified(`The token is signed with '${alg}'; OIDC tokens are accepted with ${OIDC_ALGORITHMS.join(" or ")} only.`);
  }
  const kid = header.kid;
  const signature = await checkSignature(jwks, jwksUrl, token, alg as AllowedAlgorithm, kid, false);
  if (!signature.ok) {
    switch (signature.reason) {
      case "no-kid":
      case "no-key":
        throw unverified(
          `No key of the JWKS at '${jwksUrl}' matches the token (kid '${kid ?? "none"}', ${alg})` +
            (signature.reason === "no-key" ? `; its keys are ${debugList(signature.available)}.` : "."),
        );
      case "bad-signature":
        throw unverified(`Invalid signature: the token does not verify with the keys of the JWKS at '${jwksUrl}'.`);
      case "bad-key":
        throw unverified(`A key of the JWKS at '${jwksUrl}' cannot be used: ${signature.detail}`);
    }
  }
  if (!jwt.audiences.includes(provider.applicationId)) {
    throw unverified(`Invalid audiences: must contain \`${provider.applicationId}\` (found audiences: ${debugList(jwt.audiences)}).`);
  }
  const untrusted = jwt.audiences.find((aud) => aud !== provider.applicationId);
  if (untrusted !== undefined) {
    throw unverified(
      `Invalid audiences: \`${untrusted}\` is not a trusted audience (only the applicationID \`${provider.applicationId}\` is).`,
    );
  }
  if (nowSeconds >= payload.exp) {
    throw unverified(`Expired: ID token expired at ${isoSeconds(payload.exp)} (current time is ${isoSeconds(nowSeconds)}).`);
  }
  if (typeof payload.nbf === "number" && payload.nbf - nowSeconds > NBF_LEEWAY_SECONDS) {
    throw unverified(`The token is not valid before ${isoSeconds(payload.nbf)} (current time is ${isoSeconds(nowSeconds)}).`);
  }
  return { identity, expiresAt: payload.exp };
}

function isoSeconds(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

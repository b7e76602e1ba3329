// Verifies a token for a `type: "customJwt"` provider, in the backend's order and with its
// wording (crates/authentication/src/lib.rs, validate_id_token, AuthInfo::CustomJwt): signature
// with the configured algorithm and the key named by `kid`, then `iss`, `aud` (when the provider
// has an applicationID), `exp`/`nbf` with 5 seconds of leeway, and finally `sub`/`exp` presence.
// Where the backend has one message for several failures, the message here says which one.
import type { Provider } from "./auth-config";
import { AuthError, debugList } from "./auth-error";
import { checkSignature } from "./check-signature";
import { customJwtIdentity } from "./identity";
import type { JwksCache } from "./jwks-cache";
import type { UnverifiedJwt } from "./jwt-parts";
import { trimSlashes, withScheme } from "./select-provider";
import type { VerifiedToken } from "./verified-token";

type CustomJwtProvider = Extract<Provider, { kind: "customJwt" }>;

/** biscuit's TemporalOptions epsilon in the backend. */
export const LEEWAY_SECONDS = 5;

export async function verifyCustomJwt(
  token: string,
  jwt: UnverifiedJwt,
  provider: CustomJwtProvider,
  jwks: JwksCache,
  nowSeconds: number,
): Promise<VerifiedToken> {
  const invalid = (message: string) => new AuthError("InvalidAuthHeader", message);
  const { header, payload } = jwt;
  const alg = header.alg;
  if (alg === undefined || alg.toLowerCase() === "none") {
    throw invalid(
      `Could not decode token. The JWT is not signed ('alg' is '${alg ?? "missing"}'); this provider only accepts ${provider.algorithm} signatures.`,
    );
  }
  if (alg !== provider.algorithm) {
    throw invalid(
      `Could not decode token. The JWT is signed with '${alg}', but this provider's algorithm in auth.config.ts is '${provider.algorithm}'.`,
    );
  }
  const kid = header.kid;
  const signature = await checkSignature(jwks, provider.jwks, token, provider.algorithm, kid, true);
  if (!signature.ok) {
    const where = `the provider's JWKS at '${provider.jwks}'`;
    switch (signature.reason) {
      case "no-kid":
        throw invalid("Could not decode token. JWT may be missing a 'kid' (key ID) header.");
      case "no-key":
        throw invalid(
          `Could not decode token. The JWT's 'kid' (key ID) header is '${kid}', does this key match any key in the provider's JWKS? ` +
            `The JWKS at '${provider.jwks}' has ${signature.available.length > 0 ? `the keys ${debugList(signature.available)}` : "no keys"}.`,
        );
      case "bad-signature":
        throw invalid(`Could not decode token. Invalid signature: the JWT does not verify with the key '${kid}' of ${where}.`);
      case "bad-key":
        throw invalid(`Could not decode token. The key '${kid}' of ${where} cannot be used: ${signature.detail}`);
    }
  }
  const issuer = jwt.issuer;
  if (trimSlashes(withScheme(issuer)) !== trimSlashes(provider.issuer)) {
    throw invalid(`Invalid issuer: ${issuer} != ${provider.issuer}`);
  }
  if (provider.applicationId !== null) {
    if (payload.aud === undefined) {
      throw invalid(
        "Missing audience claim ('aud') in JWT payload. The JWT must include an 'aud' claim that matches your configured application ID.",
      );
    }
    if (!jwt.audiences.includes(provider.applicationId)) {
      throw invalid(`Invalid audience: ${provider.applicationId} not in ${debugList(jwt.audiences)}`);
    }
  }
  const exp = payload.exp;
  const nbf = payload.nbf;
  if (exp !== undefined && typeof exp !== "number") throw invalid("Could not validate token: 'exp' is not a number");
  if (nbf !== undefined && typeof nbf !== "number") throw invalid("Could not validate token: 'nbf' is not a number");
  if (exp !== undefined && nowSeconds - exp > LEEWAY_SECONDS) {
    throw invalid(`Could not validate token: Token expired ${Math.floor(nowSeconds - exp)} seconds ago`);
  }
  if (nbf !== undefined && nbf - nowSeconds > LEEWAY_SECONDS) {
    throw invalid(`Could not validate token: Token will be valid in ${Math.floor(nbf - nowSeconds)} seconds`);
  }
  const claimsError = (detail: string) =>
    invalid(
      `Could not verify token claim. Check that the JWT contains valid claims and matches your auth provider configuration. (${detail})`,
    );
  if (typeof payload.sub !== "string") throw claimsError("Missing subject");
  if (exp === undefined) throw claimsError("Missing expiry");
  return { identity: customJwtIdentity(payload, issuer, payload.sub), expiresAt: exp };
}

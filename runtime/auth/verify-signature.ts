// Checks a token's signature against a provider's key set. The algorithm was already checked
// against the provider's list, so a key is only ever used with the algorithm it is meant for
// (never an RSA public key as an HMAC secret).
import { compactVerify, importJWK, type JWK } from "jose";

export type AllowedAlgorithm = "RS256" | "ES256" | "EdDSA";

export type SignatureOutcome =
  | { ok: true }
  | { ok: false; reason: "no-kid" }
  | { ok: false; reason: "no-key"; available: string[] }
  | { ok: false; reason: "bad-signature" }
  | { ok: false; reason: "bad-key"; detail: string };

/**
 * `requireKid`: custom JWT providers find the key by `kid` only (the backend's biscuit
 * decode_with_jwks); OIDC also accepts a token without `kid` when a key fits its algorithm.
 */
export async function verifySignature(
  token: string,
  alg: AllowedAlgorithm,
  kid: string | undefined,
  keys: readonly JWK[],
  requireKid: boolean,
): Promise<SignatureOutcome> {
  if (kid === undefined && requireKid) return { ok: false, reason: "no-kid" };
  const candidates = keys.filter((key) => (kid === undefined || key.kid === kid) && fits(key, alg));
  if (candidates.length === 0) {
    return { ok: false, reason: "no-key", available: keys.map((k) => k.kid ?? "(no kid)") };
  }
  let last: SignatureOutcome = { ok: false, reason: "bad-signature" };
  for (const jwk of candidates) {
    let key: Awaited<ReturnType<typeof importJWK>>;
    try {
      key = await importJWK(jwk, alg);
    } catch (error) {
      last = { ok: false, reason: "bad-key", detail: (error as Error).message };
      continue;
    }
    try {
      await compactVerify(token, key, { algorithms: [alg] });
      return { ok: true };
    } catch {
      last = { ok: false, reason: "bad-signature" };
    }
  }
  return last;
}

/** Whether a key can verify `alg`: right key type and curve, meant for signatures, same alg if named. */
function fits(key: JWK, alg: AllowedAlgorithm): boolean {
  if (key.use !== undefined && key.use !== "sig") return false;
  if (key.alg !== undefined && key.alg !== alg) return false;
  switch (alg) {
    case "RS256":
      return key.kty === "RSA";
    case "ES256":
      return key.kty === "EC" && key.crv === "P-256";
    case "EdDSA":
      return key.kty === "OKP" && key.crv === "Ed25519";
  }
}

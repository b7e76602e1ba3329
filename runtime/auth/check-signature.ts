// Verifies a signature with the cached key set, and once more with a freshly fetched one when the
// key is unknown or does not verify (the provider rotated or regenerated its keys). The refetch is
// rate-limited by the cache.
import type { JwksCache } from "./jwks-cache";
import { verifySignature, type AllowedAlgorithm, type SignatureOutcome } from "./verify-signature";

export async function checkSignature(
  cache: JwksCache,
  jwksUrl: string,
  token: string,
  alg: AllowedAlgorithm,
  kid: string | undefined,
  requireKid: boolean,
): Promise<SignatureOutcome> {
  const outcome = await verifySignature(token, alg, kid, await cache.keys(jwksUrl), requireKid);
  if (outcome.ok || (outcome.reason !== "no-key" && outcome.reason !== "bad-signature")) return outcome;
  const fresh = await cache.refetch(jwksUrl);
  return fresh ? verifySignature(token, alg, kid, fresh, requireKid) : outcome;
}

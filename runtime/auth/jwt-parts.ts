// Reads a token's header and claims without trusting them, only to pick the provider and keys that
// will then verify it (the backend does the same first pass: "A malicious token can at worst point
// us to the wrong provider, but then subsequent token verification will fail").
import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from "jose";
import { AuthError } from "./auth-error";

export interface UnverifiedJwt {
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
  issuer: string;
  audiences: string[];
}

const NOT_A_JWT =
  "Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots.";

export function readUnverified(token: string): UnverifiedJwt {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(token);
  } catch {
    throw new AuthError("InvalidAuthHeader", NOT_A_JWT);
  }
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new AuthError("InvalidAuthHeader", "Could not decode token. The JWT header is not base64url-encoded JSON.");
  }
  if (typeof payload.iss !== "string") {
    throw new AuthError(
      "InvalidAuthHeader",
      "Missing issuer claim ('iss') in JWT payload. The JWT must include an 'iss' claim that matches one of your configured auth providers.",
    );
  }
  return { header, payload, issuer: payload.iss, audiences: audiencesOf(payload.aud) };
}

/** `aud` may be one string or a list; anything else counts as no audience. */
export function audiencesOf(aud: unknown): string[] {
  if (typeof aud === "string") return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === "string");
  return [];
}

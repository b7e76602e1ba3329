// Builds the object `ctx.auth.getUserIdentity()` returns from verified claims, the way the backend
// does (crates/keybroker/src/broker.rs: UserIdentity::from_token for OIDC,
// UserIdentity::from_custom_jwt for custom JWTs; field names and order from
// UserIdentityAttributesJson in crates/convex/sync_types/src/types/json.rs).
import type { JWTPayload } from "jose";

export type Identity = Record<string, unknown>;

/** A standard claim with the wrong type: the backend then cannot parse the token as an ID token. */
export class ClaimTypeError extends Error {}

// OIDC standard claims, in the order the backend serializes their camelCase fields.
const STRING_CLAIMS: Array<[claim: string, field: string]> = [
  ["name", "name"],
  ["given_name", "givenName"],
  ["family_name", "familyName"],
  ["nickname", "nickname"],
  ["preferred_username", "preferredUsername"],
  ["profile", "profileUrl"],
  ["picture", "pictureUrl"],
  ["website", "websiteUrl"],
  ["email", "email"],
];
const LATER_STRING_CLAIMS: Array<[claim: string, field: string]> = [
  ["gender", "gender"],
  ["birthdate", "birthday"],
  ["zoneinfo", "timezone"],
  ["locale", "language"],
  ["phone_number", "phoneNumber"],
];

// Claims that never become custom claims of an OIDC identity: the ID token's own fields (parsed by
// the openidconnect crate), the standard claims above, and those from_token drops on purpose
// because they change on every refresh (jti, nbf, Clerk's fva).
const OIDC_NOT_CUSTOM = new Set([
  "iss",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "nonce",
  "acr",
  "amr",
  "azp",
  "at_hash",
  "c_hash",
  "sub",
  ...STRING_CLAIMS.map(([claim]) => claim),
  ...LATER_STRING_CLAIMS.map(([claim]) => claim),
  "email_verified",
  "phone_number_verified",
  "address",
  "updated_at",
  "jti",
  "nbf",
  "fva",
]);

// A custom JWT's registered claims are consumed by the JWT library; the rest are custom claims.
const CUSTOM_JWT_REGISTERED = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti"]);

export function oidcIdentity(payload: JWTPayload, issuer: string, subject: string): Identity {
  const identity: Identity = { tokenIdentifier: `${issuer}|${subject}`, issuer, subject };
  for (const [claim, field] of STRING_CLAIMS) setString(identity, payload, claim, field);
  setBoolean(identity, payload, "email_verified", "emailVerified");
  for (const [claim, field] of LATER_STRING_CLAIMS) setString(identity, payload, claim, field);
  setBoolean(identity, payload, "phone_number_verified", "phoneNumberVerified");
  const address = payload.address;
  if (address !== undefined) {
    if (typeof address !== "object" || address === null || Array.isArray(address)) throw new ClaimTypeError("'address' must be an object");
    const formatted = (address as { formatted?: unknown }).formatted;
    if (typeof formatted === "string") identity.address = formatted;
  }
  const updatedAt = payload.updated_at;
  if (updatedAt !== undefined) {
    if (typeof updatedAt !== "number") throw new ClaimTypeError("'updated_at' must be a number of seconds");
    identity.updatedAt = rfc3339(updatedAt);
  }
  const custom = Object.keys(payload).filter((key) => !OIDC_NOT_CUSTOM.has(key));
  addCustomClaims(
    identity,
    custom.map((key) => [key, payload[key]]),
  );
  return identity;
}

export function customJwtIdentity(payload: JWTPayload, issuer: string, subject: string): Identity {
  const identity: Identity = { tokenIdentifier: `${issuer}|${subject}`, issuer, subject };
  const rest = Object.entries(payload).filter(([key]) => !CUSTOM_JWT_REGISTERED.has(key));
  // Nested objects become dotted keys (docs: authInfo["properties.id"]).
  const flat = flatten(rest).filter(([key]) => key !== "fva");
  addCustomClaims(identity, flat);
  return identity;
}

function flatten(entries: Array<[string, unknown]>): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of entries) {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [nested, inner] of flatten(Object.entries(value))) out.push([`${key}.${nested}`, inner]);
    } else {
      out.push([key, value]);
    }
  }
  return out;
}

/**
 * Custom claims follow the typed fields, sorted by name (a BTreeMap in the backend). A custom claim
 * never replaces a field already set, so `tokenIdentifier`, `issuer` and `subject` stay the ones
 * derived from `iss` and `sub`.
 */
function addCustomClaims(identity: Identity, claims: Array<[string, unknown]>): void {
  const sorted = [...claims].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, value] of sorted) {
    if (value === undefined || Object.hasOwn(identity, key)) continue;
    identity[key] = value;
  }
}

function setString(identity: Identity, payload: JWTPayload, claim: string, field: string): void {
  const value = payload[claim];
  if (value === undefined || value === null) return;
  if (typeof value !== "string") throw new ClaimTypeError(`'${claim}' must be a string`);
  identity[field] = value;
}

// openidconnect also takes "true"/"false" strings here (AWS Cognito sends them).
function setBoolean(identity: Identity, payload: JWTPayload, claim: string, field: string): void {
  const value = payload[claim];
  if (value === undefined || value === null) return;
  if (typeof value === "boolean") identity[field] = value;
  else if (value === "true" || value === "false") identity[field] = value === "true";
  else throw new ClaimTypeError(`'${claim}' must be a boolean`);
}

/** chrono's DateTime<Utc>::to_rfc3339: `+00:00`, fractional seconds only when there are some. */
export function rfc3339(seconds: number): string {
  const whole = Math.floor(seconds);
  const nanos = Math.round((seconds - whole) * 1e9);
  const base = new Date(whole * 1000).toISOString().slice(0, 19);
  let fraction = "";
  if (nanos > 0) {
    const digits = String(nanos).padStart(9, "0");
    fraction = `.${nanos % 1e6 === 0 ? digits.slice(0, 3) : nanos % 1e3 === 0 ? digits.slice(0, 6) : digits}`;
  }
  return `${base}${fraction}+00:00`;
}

// Convex Lens's local dev issuer ("Act as a user"): an ES256 key pair kept in the runtime's data
// folder, which signs short-lived tokens for an identity the developer picks. The runtime trusts it
// in addition to the providers of auth.config.ts, and only when asked to (`devIssuer` option).
// Its tokens name the local API origin as issuer, so no deployment can ever accept them.
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from "jose";
import type { Provider } from "./auth-config";

export type CustomJwtProvider = Extract<Provider, { kind: "customJwt" }>;

/** Where the issuer lives on the API origin; its JWKS is served below it. */
export const DEV_ISSUER_PATH = "/convex-lens-dev-issuer";
export const DEV_JWKS_PATH = `${DEV_ISSUER_PATH}/.well-known/jwks.json`;
/** The `aud` of every dev token (the provider's applicationID). */
export const DEV_AUDIENCE = "convex-lens-dev";
export const DEV_TOKEN_TTL_SECONDS = 3600;
/** Index given to the dev provider, so it is never mistaken for one of auth.config.ts. */
export const DEV_PROVIDER_INDEX = -1;

const ALGORITHM = "ES256";
const KEY_FILE = "private-key.jwk.json";
/** Claims the issuer sets itself; an identity's custom claims may not override them. */
const RESERVED_CLAIMS = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

export function devIssuerUrl(cloudUrl: string): string {
  return `${cloudUrl.replace(/\/+$/, "")}${DEV_ISSUER_PATH}`;
}

/** Whether `iss` looks like any Convex Lens dev issuer (on whatever port it ran). */
export function isDevIssuerUrl(issuer: string): boolean {
  return issuer.replace(/\/+$/, "").endsWith(DEV_ISSUER_PATH);
}

/** The identity to act as. `claims` become custom claims of the identity. */
export interface DevIdentity {
  subject: string;
  name?: string;
  email?: string;
  claims?: Record<string, unknown>;
}

export class DevIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DevIdentityError";
  }
}

/** Checks an identity before it is signed; the message says which field to fix. */
export function checkDevIdentity(identity: DevIdentity): void {
  if (typeof identity.subject !== "string" || identity.subject.trim() === "") {
    throw new DevIdentityError("Act as a user: the subject is empty. Give the user id your functions expect in identity.subject.");
  }
  const claims = identity.claims ?? {};
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) {
    throw new DevIdentityError('Act as a user: custom claims must be a JSON object, like {"role": "admin"}.');
  }
  const reserved = Object.keys(claims).filter((key) => RESERVED_CLAIMS.includes(key));
  if (reserved.length > 0) {
    throw new DevIdentityError(
      `Act as a user: custom claims cannot set ${reserved.map((k) => `'${k}'`).join(", ")}; the dev issuer sets ${RESERVED_CLAIMS.join(", ")} itself.`,
    );
  }
}

export class DevIssuer {
  private constructor(
    readonly issuer: string,
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
    /** The folder holding the key, `<data>/dev-issuer`. */
    readonly folder: string,
  ) {}

  /**
   * Loads the key pair from `folder`, generating it on first use. The private key is written with
   * 0600 permissions (0700 for the folder); two runtimes on one data folder agree on one key.
   */
  static async open(folder: string, issuer: string): Promise<DevIssuer> {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    tightenMode(folder, 0o700);
    const file = join(folder, KEY_FILE);
    const jwk = readKey(file) ?? (await createKey(file));
    const { d: _private, ...publicParts } = jwk;
    const kid = await calculateJwkThumbprint(publicParts);
    const privateKey = (await importJWK(jwk, ALGORITHM)) as CryptoKey;
    const publicJwk: JWK = { ...publicParts, kid, alg: ALGORITHM, use: "sig" };
    return new DevIssuer(issuer, kid, privateKey, publicJwk, folder);
  }

  /** The key set a verifier (or anyone reading DEV_JWKS_PATH) checks dev tokens with. */
  get jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** The dev issuer as a custom JWT provider; `jwksUrl` is where the API origin serves its keys. */
  provider(jwksUrl: string): CustomJwtProvider {
    return {
      kind: "customJwt",
      index: DEV_PROVIDER_INDEX,
      issuer: this.issuer,
      jwks: jwksUrl,
      algorithm: ALGORITHM,
      applicationId: DEV_AUDIENCE,
    };
  }

  /** A token for `identity`, valid `ttlSeconds` (1 hour) from `nowMs`. */
  async sign(identity: DevIdentity, options: { nowMs?: number; ttlSeconds?: number } = {}): Promise<string> {
    checkDevIdentity(identity);
    const now = Math.floor((options.nowMs ?? Date.now()) / 1000);
    const claims: Record<string, unknown> = { ...identity.claims };
    if (identity.name !== undefined && identity.name !== "") claims.name = identity.name;
    if (identity.email !== undefined && identity.email !== "") claims.email = identity.email;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, kid: this.kid, typ: "JWT" })
      .setIssuer(this.issuer)
      .setSubject(identity.subject)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.ttlSeconds ?? DEV_TOKEN_TTL_SECONDS))
      .setJti(randomBytes(8).toString("hex"))
      .sign(this.privateKey);
  }
}

function readKey(file: string): JWK | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  try {
    const jwk = JSON.parse(text) as JWK;
    if (jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.d !== "string") return null;
    tightenMode(file, 0o600);
    return jwk;
  } catch {
    return null;
  }
}

/** A key file (or its folder) someone opened to others is put back to owner-only. */
function tightenMode(path: string, mode: number): void {
  if (process.platform === "win32") return;
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, mode);
  } catch {
    // Reading worked; a failed chmod does not make the key unusable.
  }
}

async function createKey(file: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, JSON.stringify(jwk), { mode: 0o600 });
  try {
    // A hard link fails when the file exists: whoever links first wins, the other reads theirs.
    linkSync(temp, file);
    return jwk;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const theirs = readKey(file);
    if (theirs) return theirs;
    // The existing file is not a usable key: replace it.
    rmSync(file, { force: true });
    linkSync(temp, file);
    return jwk;
  } finally {
    rmSync(temp, { force: true });
  }
}

// A tiny identity provider on 127.0.0.1 for the auth tests: it serves a JWKS for a custom JWT
// provider, OIDC discovery documents (one issuer without and one with a trailing slash, like
// Auth0), counts requests per path, can rotate keys, and signs tokens with its keys.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

export interface TestKey {
  kid: string;
  alg: "RS256" | "ES256" | "EdDSA";
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

type Override = (request: IncomingMessage, response: ServerResponse) => void;

export interface TestIssuer {
  url: string;
  /** customJwt provider: issuer and JWKS URL. */
  customIssuer: string;
  customJwks: string;
  /** OIDC provider whose discovery document names the issuer without a trailing slash. */
  oidcDomain: string;
  /** OIDC provider whose `iss` ends with a slash (as Auth0's does). */
  slashDomain: string;
  /** Keys served in every JWKS, in order. */
  keys: TestKey[];
  /** Requests per path. */
  hits: Map<string, number>;
  /** Replaces the answer for one path (status, content type, body) until removed. */
  overrides: Map<string, Override>;
  /** A key pair this issuer has not used yet (not published until pushed to `keys`). */
  newKey(kid: string, alg?: TestKey["alg"]): Promise<TestKey>;
  /** Signs `claims` with `key` (default: the first served key), as a JWT with its `kid`. */
  sign(claims: JWTPayload, key?: TestKey, header?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

// RSA key generation takes from 50 ms to a second: key pairs are shared by the issuers of one test
// process, but each issuer never hands out the same pair twice (an "other key" must really differ).
const keyPool = new Map<TestKey["alg"], Array<Promise<CryptoKeyPair>>>();

function pooledPair(alg: TestKey["alg"], used: Set<Promise<CryptoKeyPair>>): Promise<CryptoKeyPair> {
  let pool = keyPool.get(alg);
  if (!pool) {
    // Most tests need a published RSA key and one more: generate both at once.
    pool = alg === "RS256" ? [generateKeyPair(alg, { extractable: true }), generateKeyPair(alg, { extractable: true })] : [];
    keyPool.set(alg, pool);
  }
  let pair = pool.find((p) => !used.has(p));
  if (!pair) {
    pair = generateKeyPair(alg, { extractable: true });
    pool.push(pair);
  }
  used.add(pair);
  return pair;
}

/** `alg` of the first published key ("key-1"). */
export async function startTestIssuer(alg: TestKey["alg"] = "RS256"): Promise<TestIssuer> {
  const usedPairs = new Set<Promise<CryptoKeyPair>>();
  const hits = new Map<string, number>();
  const overrides = new Map<string, Override>();
  const keys: TestKey[] = [];
  let base = "";

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const override = overrides.get(path);
    if (override) return override(request, response);
    const json = (body: unknown) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    const jwks = { keys: keys.map((k) => k.publicJwk) };
    if (path === "/custom/jwks.json" || path === "/oidc/jwks.json" || path === "/slash/jwks.json") return json(jwks);
    if (path === "/oidc/.well-known/openid-configuration") {
      return json({ issuer: `${base}/oidc`, jwks_uri: `${base}/oidc/jwks.json`, id_token_signing_alg_values_supported: ["RS256"] });
    }
    if (path === "/slash/.well-known/openid-configuration") {
      return json({ issuer: `${base}/slash/`, jwks_uri: `${base}/slash/jwks.json` });
    }
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const issuer: TestIssuer = {
    url: base,
    customIssuer: `${base}/custom`,
    customJwks: `${base}/custom/jwks.json`,
    oidcDomain: `${base}/oidc`,
    slashDomain: `${base}/slash`,
    keys,
    hits,
    overrides,
    async newKey(kid, alg = "RS256") {
      const { privateKey, publicKey } = await pooledPair(alg, usedPairs);
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
      return { kid, alg, privateKey, publicKey, publicJwk };
    },
    async sign(claims, key = keys[0]!, header = {}) {
      return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...header }).sign(key.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  keys.push(await issuer.newKey("key-1", alg));
  return issuer;
}

/** The same key pair under another `kid`: enough for a key the provider never published. */
export function renamed(key: TestKey, kid: string): TestKey {
  return { ...key, kid, publicJwk: { ...key.publicJwk, kid } };
}

/** Seconds since the epoch, as JWT time claims use. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** An unsigned token (`alg: none`), as an attacker would forge one. */
export function unsignedToken(claims: JWTPayload, kid = "key-1"): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT", kid })}.${part(claims)}.`;
}

// Forged and broken tokens against a real `convex-lens serve` (test/fixtures/auth-app, its
// auth.config.ts pointing at a local identity provider through --env-file), through both origins:
// an HTTP action (`/whoami`) and the function API (`identity:whoamiQuery`). None yields an
// identity, for the custom JWT provider and for the OIDC one; URLs named inside a token (jku, x5u)
// are never fetched. test/auth/ checks each refusal's wording; this suite checks, end to end, that
// nothing gets through, with the attacks test/auth/ does not try.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from "jose";
import { nowSeconds, renamed, startTestIssuer, unsignedToken, type TestIssuer, type TestKey } from "../auth/test-issuer";
import { recordFigures, Tally } from "./figures";
import { callApi, copyFixture, type ServeChild } from "./support";
import { serveAuthApp } from "./auth-app-serve";

const tally = new Tally();
let issuer: TestIssuer;
let attacker: TestIssuer;
let child: ServeChild;
let oidcKey: TestKey;
const project = copyFixture("auth-app");
const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-auth-"));

before(async () => {
  attacker = await startTestIssuer("ES256");
  ({ issuer, oidcKey, child } = await serveAuthApp(project, dataDir));
});

after(async () => {
  if (child) assert.equal(await child.stop(), 0);
  await issuer?.close();
  await attacker?.close();
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  await recordFigures("auth", {
    title: "forged, expired, misaddressed and garbage tokens: no identity, on both origins",
    tally,
  });
});

const custom = (extra: Record<string, unknown> = {}) => ({
  iss: issuer.customIssuer,
  aud: "convex-lens-test",
  sub: "user-42",
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
  ...extra,
});
const oidc = (extra: Record<string, unknown> = {}) => custom({ iss: issuer.oidcDomain, aud: "convex-lens-oidc", ...extra });

function b64(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

/** Signs whatever header it is given (jose refuses to sign some of the headers tried here). */
async function signRaw(header: Record<string, unknown>, claims: Record<string, unknown>, key: TestKey): Promise<string> {
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString("base64url")}`;
}

/** The identity each origin gives for `token`: the subject, or null when there is none. */
async function identities(token: string): Promise<{ site: string | null; api: string | null }> {
  tally.requestsSent += 2;
  tally.inputsTried++;
  const response = await fetch(`${child.site}/whoami`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { value?: { subject?: string } | null; error?: string };
  assert.equal(response.status, 200, "the HTTP action still runs");
  const outcome = await callApi(child.api, "query", "identity:whoamiQuery", {}, { token });
  const apiIdentity = outcome.status === "success" ? ((outcome.value as { subject?: string } | null)?.subject ?? null) : null;
  return { site: body.value?.subject ?? null, api: apiIdentity };
}

test("the control: valid tokens of both providers do yield an identity on both origins", async () => {
  assert.deepEqual(await identities(await issuer.sign(custom())), { site: "user-42", api: "user-42" });
  assert.deepEqual(await identities(await issuer.sign(oidc({ sub: "oidc-user" }), oidcKey)), { site: "oidc-user", api: "oidc-user" });
  // The hand-made signature used for the `crit` attack below is a valid one without `crit`.
  assert.deepEqual(await identities(await signRaw({ alg: "ES256", kid: "key-1" }, custom({ sub: "raw" }), issuer.keys[0]!)), {
    site: "raw",
    api: "raw",
  });
});

test("forged, misaddressed and broken tokens: no identity, for either provider, on either origin", async () => {
  const now = nowSeconds();
  const es256 = issuer.keys[0]!;
  const foreign = await attacker.newKey("key-1", "ES256");
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const publicPem = await exportSPKI(es256.publicKey);
  const publicJwkText = JSON.stringify(es256.publicJwk);
  const hmac = (claims: Record<string, unknown>, secret: string, kid = "key-1") =>
    new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid, typ: "JWT" }).sign(new TextEncoder().encode(secret));
  const valid = await issuer.sign(custom({ sub: "victim" }));
  const [validHeader, , validSignature] = valid.split(".");

  const attacks: Array<[string, string | Promise<string>]> = [
    // Unsigned and algorithm confusion.
    ["alg none (custom)", unsignedToken(custom())],
    ["alg none (OIDC)", unsignedToken(oidc(), "oidc-key")],
    ["alg None / NONE / nOnE", `${b64({ alg: "None", kid: "key-1" })}.${b64(custom())}.`],
    ["alg NONE", `${b64({ alg: "NONE", kid: "key-1" })}.${b64(custom())}.`],
    ["alg nOnE, OIDC", `${b64({ alg: "nOnE", kid: "oidc-key" })}.${b64(oidc())}.`],
    ["no alg at all", `${b64({ kid: "key-1" })}.${b64(custom())}.${validSignature}`],
    ["HS256 keyed with the provider's public key (PEM)", hmac(custom(), publicPem)],
    ["HS256 keyed with the provider's public JWK", hmac(custom(), publicJwkText)],
    ["HS256 keyed with the public key, OIDC", hmac(oidc(), publicPem, "oidc-key")],
    [
      "RS256 with a key of our own, kid of a published key",
      new SignJWT(custom()).setProtectedHeader({ alg: "RS256", kid: "key-1" }).sign(rsa.privateKey),
    ],
    // Keys the token brings along.
    [
      "an embedded jwk header with the attacker's key",
      (async () =>
        new SignJWT(custom())
          .setProtectedHeader({ alg: "ES256", kid: "key-1", jwk: await exportJWK(foreign.publicKey) })
          .sign(foreign.privateKey))(),
    ],
    [
      "a jku header pointing at the attacker's key set",
      new SignJWT(custom()).setProtectedHeader({ alg: "ES256", kid: "key-1", jku: attacker.customJwks }).sign(foreign.privateKey),
    ],
    [
      "an x5u header pointing at the attacker",
      new SignJWT(custom()).setProtectedHeader({ alg: "ES256", kid: "key-1", x5u: `${attacker.url}/cert.pem` }).sign(foreign.privateKey),
    ],
    ["signed by the attacker under the provider's issuer", attacker.sign(custom(), foreign)],
    [
      "a crit header the verifier does not know",
      signRaw({ alg: "ES256", kid: "key-1", crit: ["x-unknown"], "x-unknown": true }, custom(), es256),
    ],
    // Tampering with a valid token.
    ["a valid signature over another payload", `${validHeader}.${b64(custom({ sub: "attacker" }))}.${validSignature}`],
    ["a valid token with its signature cut off", `${validHeader}.${b64(custom())}.`],
    [
      "a valid header and payload, signature of another token",
      `${validHeader}.${b64(custom({ sub: "victim", exp: now + 9999 }))}.${validSignature}`,
    ],
    // Addressed to someone else, or out of time.
    ["the attacker's issuer", attacker.sign({ ...custom(), iss: attacker.customIssuer }, foreign)],
    ["wrong iss", issuer.sign(custom({ iss: "https://accounts.example.com" }))],
    ["wrong aud", issuer.sign(custom({ aud: "another-app" }))],
    ["wrong aud, OIDC", issuer.sign(oidc({ aud: "another-app" }), oidcKey)],
    ["the custom provider's aud under the OIDC issuer", issuer.sign(oidc({ aud: "convex-lens-test" }), oidcKey)],
    ["expired", issuer.sign(custom({ exp: now - 60 }))],
    ["expired, OIDC", issuer.sign(oidc({ exp: now - 60 }), oidcKey)],
    ["not yet valid", issuer.sign(custom({ nbf: now + 600 }))],
    ["not yet valid, OIDC", issuer.sign(oidc({ nbf: now + 600 }), oidcKey)],
    ["exp as a string", issuer.sign(custom({ exp: String(now + 600) }))],
    ["no sub", issuer.sign(custom({ sub: undefined }))],
    ["unknown kid", issuer.sign(custom(), renamed(es256, "key-nobody-published"))],
    ["a kid that is a path", issuer.sign(custom(), renamed(es256, "../../../etc/passwd"))],
    ["unknown kid, OIDC", issuer.sign(oidc(), renamed(oidcKey, "nope"))],
    // Garbage.
    ["empty", ""],
    ["garbage", "not-a-jwt"],
    ["three empty parts", ".."],
    ["a.b.c", "a.b.c"],
    ["JSON instead of base64", `{"alg":"none"}.{"sub":"x"}.`],
    ["header that is an array", `${b64([1, 2])}.${b64(custom())}.`],
    ["payload that is a string", `${b64({ alg: "ES256", kid: "key-1" })}.${b64('"just a string"')}.${validSignature}`],
    ["8 KB of base64", "A".repeat(8192)],
    ["a valid token with a second one appended", `${valid} ${valid}`],
  ];
  const leaks: string[] = [];
  for (const [name, pending] of attacks) {
    const seen = await identities(await pending);
    if (seen.site !== null || seen.api !== null) leaks.push(`${name}: ${JSON.stringify(seen)}`);
  }
  const fetched = [...attacker.hits.values()].reduce((a, b) => a + b, 0);
  tally.notes.push(
    `${attacks.length} hostile tokens × 2 origins (HTTP action and function API): ${leaks.length} identities; ${fetched} fetches of URLs the tokens named`,
  );
  assert.deepEqual(leaks, [], "tokens that yielded an identity");
  assert.equal(fetched, 0, "no URL named by a token (jku, x5u, foreign iss) was fetched");
  // And the valid token still works afterwards (the refusals did not poison a cache).
  assert.deepEqual(await identities(valid), { site: "victim", api: "victim" });
});

test("Authorization headers that are not a single Bearer token: no identity", async () => {
  const valid = await issuer.sign(custom());
  const headers = ["Basic dXNlcjpwdw==", `Token ${valid}`, `Bearer`, `Bearer  `, `${valid}`, `Bearer ${valid}, Bearer ${valid}`];
  for (const authorization of headers) {
    tally.requestsSent++;
    tally.inputsTried++;
    const body = (await (await fetch(`${child.site}/whoami`, { headers: { authorization } })).json()) as { value?: unknown };
    assert.ok(body.value === null || body.value === undefined, `${authorization.slice(0, 30)}: ${JSON.stringify(body)}`);
  }
});

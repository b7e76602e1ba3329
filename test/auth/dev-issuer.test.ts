// "Act as a user": the local dev issuer's key pair on disk, and its tokens through the real runtime
// (test/fixtures/auth-app), trusted beside auth.config.ts only when the runtime is asked to.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { DEV_AUDIENCE, DEV_JWKS_PATH, DevIdentityError, DevIssuer, devIssuerUrl } from "../../runtime/auth/dev-issuer";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { nowSeconds, startTestIssuer, type TestIssuer } from "./test-issuer";

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "convex-lens-dev-issuer-"));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const isPosix = process.platform !== "win32";

describe("the dev issuer's key pair", () => {
  test("is generated once, owner-only, and the same key is used after a reopen", async () => {
    const folder = join(tempDir(), "dev-issuer");
    const first = await DevIssuer.open(folder, "http://127.0.0.1:1/convex-lens-dev-issuer");
    const file = join(folder, "private-key.jwk.json");
    if (isPosix) {
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(folder).mode & 0o777, 0o700);
    }
    const second = await DevIssuer.open(folder, "http://127.0.0.1:2/convex-lens-dev-issuer");
    assert.equal(second.kid, first.kid);
    assert.deepEqual(second.jwks, first.jwks);
    assert.equal(first.jwks.keys[0]!.d, undefined, "the JWKS carries no private part");
    assert.deepEqual(
      { kty: first.publicJwk.kty, crv: first.publicJwk.crv, alg: first.publicJwk.alg, use: first.publicJwk.use },
      { kty: "EC", crv: "P-256", alg: "ES256", use: "sig" },
    );
  });

  test("a key file readable by others is made owner-only again", { skip: !isPosix }, async () => {
    const folder = join(tempDir(), "dev-issuer");
    await DevIssuer.open(folder, "http://x/convex-lens-dev-issuer");
    const file = join(folder, "private-key.jwk.json");
    const { chmodSync } = await import("node:fs");
    chmodSync(file, 0o644);
    await DevIssuer.open(folder, "http://x/convex-lens-dev-issuer");
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test("a damaged key file is replaced; two runtimes opening at once agree on one key", async () => {
    const folder = join(tempDir(), "dev-issuer");
    await DevIssuer.open(folder, "http://x/convex-lens-dev-issuer");
    writeFileSync(join(folder, "private-key.jwk.json"), "not json");
    const repaired = await DevIssuer.open(folder, "http://x/convex-lens-dev-issuer");
    assert.ok(JSON.parse(readFileSync(join(folder, "private-key.jwk.json"), "utf8")).d);
    const again = await DevIssuer.open(folder, "http://x/convex-lens-dev-issuer");
    assert.equal(again.kid, repaired.kid);

    const fresh = join(tempDir(), "dev-issuer");
    const racing = await Promise.all([1, 2, 3, 4].map(() => DevIssuer.open(fresh, "http://x/convex-lens-dev-issuer")));
    assert.equal(new Set(racing.map((issuer) => issuer.kid)).size, 1);
  });

  test("tokens: ES256 with the key's kid, iss, aud convex-lens-dev, one hour, custom claims; reserved claims refused", async () => {
    const issuer = await DevIssuer.open(join(tempDir(), "dev-issuer"), devIssuerUrl("http://127.0.0.1:3310/"));
    assert.equal(issuer.issuer, "http://127.0.0.1:3310/convex-lens-dev-issuer");
    const nowMs = Date.UTC(2026, 0, 1);
    const token = await issuer.sign({ subject: "user-1", name: "Ada", email: "", claims: { role: "admin" } }, { nowMs });
    assert.deepEqual(decodeProtectedHeader(token), { alg: "ES256", kid: issuer.kid, typ: "JWT" });
    const claims = decodeJwt(token);
    assert.equal(claims.iss, issuer.issuer);
    assert.equal(claims.aud, DEV_AUDIENCE);
    assert.equal(claims.sub, "user-1");
    assert.equal(claims.iat, nowMs / 1000);
    assert.equal(claims.exp, nowMs / 1000 + 3600);
    assert.equal(claims.name, "Ada");
    assert.equal(claims.email, undefined, "an empty email is left out");
    assert.equal(claims.role, "admin");
    await assert.rejects(issuer.sign({ subject: "u", claims: { iss: "https://evil.example" } }), DevIdentityError);
    await assert.rejects(issuer.sign({ subject: " " }), /the subject is empty/);
  });
});

describe("dev tokens through the real runtime", () => {
  let testIssuer: TestIssuer;
  let server: FixtureServer;

  const whoami = async (target: FixtureServer, token: string) => {
    const response = await target.get("/whoami", { headers: { authorization: `Bearer ${token}` } });
    return (await response.json()) as { value?: unknown; error?: string };
  };

  before(async () => {
    testIssuer = await startTestIssuer("ES256");
    server = await serveFixture("auth-app", {
      env: { TEST_ISSUER: testIssuer.customIssuer, TEST_JWKS: testIssuer.customJwks, TEST_OIDC_DOMAIN: testIssuer.oidcDomain },
      devIssuer: true,
    });
  });
  after(async () => {
    await server?.stop();
    await testIssuer?.close();
  });

  test("a dev token gives the identity Convex builds for a custom JWT, in HTTP actions and functions", async () => {
    const devIssuer = server.devIssuer!;
    assert.ok(devIssuer, "startServing({ devIssuer: true }) exposes the issuer");
    assert.equal(devIssuer.issuer, `${server.api.url}/convex-lens-dev-issuer`);
    const token = await devIssuer.sign({
      subject: "dev-user",
      name: "Grace Hopper",
      email: "grace@example.com",
      claims: { role: "admin", org: { id: "o1" } },
    });
    const expected = {
      tokenIdentifier: `${devIssuer.issuer}|dev-user`,
      issuer: devIssuer.issuer,
      subject: "dev-user",
      email: "grace@example.com",
      name: "Grace Hopper",
      "org.id": "o1",
      role: "admin",
    };
    assert.deepEqual(await whoami(server, token), { value: expected });
    const outcome = await server.runtime.runFunction("identity:whoamiMutation", {}, { udfType: "mutation", authToken: token });
    assert.deepEqual(outcome, { ok: true, value: expected, logLines: [] });
  });

  test("the key set is served on the API origin; the data folder keeps the key", async () => {
    const response = await fetch(`${server.api.url}${DEV_JWKS_PATH}`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), server.devIssuer!.jwks);
    const file = join(server.dataDir, "dev-issuer", "private-key.jwk.json");
    if (isPosix) assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test("auth.config.ts's providers are still trusted beside it", async () => {
    const token = await testIssuer.sign({
      iss: testIssuer.customIssuer,
      aud: "convex-lens-test",
      sub: "real-user",
      iat: nowSeconds(),
      exp: nowSeconds() + 60,
    });
    const { value } = await whoami(server, token);
    assert.equal((value as { subject?: string }).subject, "real-user");
  });

  test("an expired dev token, or one signed with another dev key, is refused with the reason", async () => {
    const devIssuer = server.devIssuer!;
    const expired = await devIssuer.sign({ subject: "late" }, { nowMs: Date.now() - 2 * 3600_000 });
    assert.match((await whoami(server, expired)).error ?? "", /^Could not validate token: Token expired \d+ seconds ago$/);
    const stranger = await DevIssuer.open(join(tempDir(), "dev-issuer"), devIssuer.issuer);
    const forged = await stranger.sign({ subject: "mallory" });
    assert.match(
      (await whoami(server, forged)).error ?? "",
      /^Could not decode token\. The JWT's 'kid' \(key ID\) header is '[^']+', does this key match any key/,
    );
  });

  test("with the dev issuer off, dev tokens are refused and the error says why", async () => {
    const off = await serveFixture("auth-app", {
      env: { TEST_ISSUER: testIssuer.customIssuer, TEST_JWKS: testIssuer.customJwks, TEST_OIDC_DOMAIN: testIssuer.oidcDomain },
    });
    try {
      assert.equal(off.devIssuer, null);
      const issuer = await DevIssuer.open(join(off.dataDir, "dev-issuer"), devIssuerUrl(off.api.url));
      const { error, value } = await whoami(off, await issuer.sign({ subject: "dev-user" }));
      assert.equal(value, undefined);
      assert.match(error ?? "", /^No auth provider found matching the given token\./);
      assert.match(error ?? "", /signed by Convex Lens's local dev issuer, which this runtime does not trust \(the dev issuer is off\)\.$/);
      assert.equal((await fetch(`${off.api.url}${DEV_JWKS_PATH}`)).status, 404);
    } finally {
      await off.stop();
    }
  });
});

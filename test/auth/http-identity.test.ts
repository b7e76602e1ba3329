// ctx.auth.getUserIdentity() end to end: the fixture app (test/fixtures/auth-app) served by the
// real runtime, its auth.config.ts pointing at a local identity provider. Covers HTTP actions, the
// functions they call, functions run with a token, and refused tokens that still let the request run.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { exportSPKI, SignJWT } from "jose";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { nowSeconds, renamed, startTestIssuer, unsignedToken, type TestIssuer } from "./test-issuer";

type Settled = { value: unknown } | { error: string };

let issuer: TestIssuer;
let server: FixtureServer;

before(async () => {
  issuer = await startTestIssuer("ES256");
  server = await serveFixture("auth-app", { env: envFor(issuer) });
});
after(async () => {
  await server?.stop();
  await issuer?.close();
});

function envFor(i: TestIssuer): Record<string, string> {
  return { TEST_ISSUER: i.customIssuer, TEST_JWKS: i.customJwks, TEST_OIDC_DOMAIN: i.oidcDomain };
}

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: issuer.customIssuer,
  aud: "convex-lens-test",
  sub: "user-42",
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
  name: "Ada Lovelace",
  email: "ada@example.com",
  team: "engines",
  ...extra,
});

// biome-ignore lint/suspicious/noExplicitAny: the JSON answer, whose fields the tests assert one by one.
async function get(path: string, token?: string): Promise<{ status: number; body: any }> {
  const response = await server.get(path, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

function expectedIdentity(sub = "user-42") {
  return {
    tokenIdentifier: `${issuer.customIssuer}|${sub}`,
    issuer: issuer.customIssuer,
    subject: sub,
    email: "ada@example.com",
    name: "Ada Lovelace",
    team: "engines",
  };
}

describe("identity in HTTP actions", () => {
  test("no Authorization header: getUserIdentity() is null", async () => {
    assert.deepEqual(await get("/whoami"), { status: 200, body: { value: null } });
  });

  test("a valid custom JWT: the identity Convex builds from it", async () => {
    assert.deepEqual(await get("/whoami", await issuer.sign(claims())), { status: 200, body: { value: expectedIdentity() } });
  });

  test("a valid OIDC token: standard claims in camelCase", async () => {
    // OIDC providers sign with RS256 or EdDSA.
    const ed = await issuer.newKey("ed-key", "EdDSA");
    issuer.keys.push(ed);
    const token = await issuer.sign(
      { ...claims({ iss: issuer.oidcDomain, aud: "convex-lens-oidc", given_name: "Ada", email_verified: true }), team: undefined },
      ed,
    );
    const { body } = await get("/whoami", token);
    assert.deepEqual(body.value, {
      tokenIdentifier: `${issuer.oidcDomain}|user-42`,
      issuer: issuer.oidcDomain,
      subject: "user-42",
      name: "Ada Lovelace",
      givenName: "Ada",
      email: "ada@example.com",
      emailVerified: true,
    });
  });

  test("the identity follows into runQuery, runMutation, runAction and two levels down", async () => {
    const { status, body } = await get("/nested", await issuer.sign(claims()));
    assert.equal(status, 200);
    const expected = { value: expectedIdentity() };
    assert.deepEqual(body, {
      direct: expected,
      query: expected,
      mutation: expected,
      action: expected,
      actionThroughQuery: expected,
      mutationThroughQuery: expected,
    });
  });

  test("without a token, nested functions see no identity either", async () => {
    const { body } = await get("/nested");
    for (const [name, settled] of Object.entries(body as Record<string, Settled>)) assert.deepEqual(settled, { value: null }, name);
  });

  test("a refused token reaches nested functions as the same error", async () => {
    const { status, body } = await get("/nested", await issuer.sign(claims({ exp: nowSeconds() - 60 })));
    assert.equal(status, 200, "the request still runs");
    for (const [name, settled] of Object.entries(body as Record<string, Settled>)) {
      assert.ok("error" in settled, `${name} must not get an identity`);
      assert.match(settled.error, /Could not validate token: Token expired \d+ seconds ago/, name);
    }
  });
});

describe("functions run with a token", () => {
  test("runFunction passes authToken to queries, mutations and actions", async () => {
    const token = await issuer.sign(claims({ sub: "runner" }));
    for (const [name, udfType] of [
      ["identity:whoamiQuery", "query"],
      ["identity:whoamiMutation", "mutation"],
      ["identity:whoamiAction", "action"],
      ["identity:actionThroughQuery", "action"],
    ] as const) {
      const outcome = await server.runtime.runFunction(name, {}, { udfType, authToken: token });
      assert.deepEqual(outcome, { ok: true, value: expectedIdentity("runner"), logLines: [] }, name);
      const anonymous = await server.runtime.runFunction(name, {}, { udfType });
      assert.deepEqual(anonymous, { ok: true, value: null, logLines: [] }, `${name} without a token`);
    }
  });

  test("a bad token makes getUserIdentity() throw in the function", async () => {
    const outcome = await server.runtime.runFunction("identity:whoamiQuery", {}, { udfType: "query", authToken: "garbage" });
    assert.equal(outcome.ok, false);
    assert.match(!outcome.ok ? outcome.error.message : "", /Could not parse JWT payload\. Check that the token is a valid JWT format/);
  });
});

describe("key rotation", () => {
  // Runs before the refused tokens below: their unknown kid and bad signature use up the
  // rate-limited refetch for a while (see the cooldown test in token-verifier.test.ts).
  test("a key added to the provider's JWKS is accepted after one refetch", async () => {
    const rotated = await issuer.newKey("key-rotated", "ES256");
    issuer.keys.push(rotated);
    const fetchesBefore = issuer.hits.get("/custom/jwks.json") ?? 0;
    assert.ok(fetchesBefore > 0, "the key set was fetched (and cached) by the tests above");
    try {
      const { body } = await get("/whoami", await issuer.sign(claims({ sub: "after-rotation" }), rotated));
      assert.deepEqual(body, { value: expectedIdentity("after-rotation") });
      assert.equal(issuer.hits.get("/custom/jwks.json"), fetchesBefore + 1);
    } finally {
      issuer.keys.pop();
    }
  });
});

describe("refused tokens: the request runs, getUserIdentity() throws why", () => {
  test("each bad token yields its own error and never an identity", async () => {
    const now = nowSeconds();
    const otherKey = await issuer.newKey("key-1", "ES256");
    const unknownKey = renamed(issuer.keys[0]!, "key-nobody-published");
    const hs256 = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", kid: "key-1" })
      .sign(new TextEncoder().encode(await exportSPKI(issuer.keys[0]!.publicKey)));
    const cases: Array<[string, string, RegExp]> = [
      ["expired", await issuer.sign(claims({ exp: now - 60 })), /^Could not validate token: Token expired \d+ seconds ago$/],
      ["not yet valid", await issuer.sign(claims({ nbf: now + 120 })), /^Could not validate token: Token will be valid in \d+ seconds$/],
      [
        "wrong iss",
        await issuer.sign(claims({ iss: "https://accounts.example.com" })),
        /^No auth provider found matching the given token\. .*The token has iss 'https:\/\/accounts\.example\.com'/,
      ],
      [
        "wrong aud",
        await issuer.sign(claims({ aud: "another-app" })),
        /^No auth provider found matching the given token\. .*aud \["another-app"\]\.$/,
      ],
      [
        "bad signature",
        await issuer.sign(claims(), otherKey),
        /^Could not decode token\. Invalid signature: the JWT does not verify with the key 'key-1'/,
      ],
      [
        "unknown kid",
        await issuer.sign(claims(), unknownKey),
        /^Could not decode token\. The JWT's 'kid' \(key ID\) header is 'key-nobody-published', does this key match any key in the provider's JWKS\?/,
      ],
      ["alg none", unsignedToken(claims()), /^Could not decode token\. The JWT is not signed \('alg' is 'none'\)/],
      [
        "HS256 with the public key",
        hs256,
        /^Could not decode token\. The JWT is signed with 'HS256', but this provider's algorithm in auth\.config\.ts is 'ES256'\.$/,
      ],
      ["garbage", "not-a-jwt", /^Could not parse JWT payload\./],
    ];
    for (const [name, token, expected] of cases) {
      const { status, body } = await get("/whoami", token);
      assert.equal(status, 200, `${name}: the request still runs`);
      assert.ok(!("value" in body), `${name}: no identity`);
      assert.match(body.error, expected, name);
    }
  });
});

describe("a broken auth.config.ts", () => {
  test("is reported on load, and by every token check, naming the file and the field", async () => {
    const i = await startTestIssuer("ES256");
    const env = envFor(i);
    delete (env as Partial<typeof env>).TEST_JWKS;
    const broken = await serveFixture("auth-app", { env });
    try {
      const notices: string[] = [];
      broken.runtime.on("notice", (text: string) => notices.push(text));
      await broken.runtime.reload();
      const expected =
        /^convex\/auth\.config\.ts: auth config file must include a list of provider credentials: Provider at index 0 is missing the 'jwks' field\./;
      // The first load's notice reaches the first listener too (startServing loads before anyone can subscribe).
      assert.equal(notices.length, 2);
      for (const notice of notices) assert.match(notice, expected);
      const response = await broken.get("/whoami", {
        headers: { authorization: `Bearer ${await i.sign(claims({ iss: i.customIssuer }))}` },
      });
      assert.match(((await response.json()) as { error: string }).error, expected);
      assert.deepEqual(await (await broken.get("/whoami")).json(), { value: null }, "no token: still no identity, no error");
    } finally {
      await broken.stop();
      await i.close();
    }
  });
});

// The token checks themselves, against a local identity provider: identities as Convex builds
// them, each way a token can be wrong and the message that says so, key rotation, rate-limited
// refetches and the identity cache.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { exportSPKI, SignJWT } from "jose";
import { join } from "node:path";
import { parseAuthConfig } from "../../runtime/auth/auth-config";
import { locateAuthConfig } from "../../runtime/auth/config-file";
import { FIXTURES } from "../helpers/serve-fixture";
import { TokenVerifier, type TokenVerifierOptions } from "../../runtime/auth/token-verifier";
import { nowSeconds, renamed, startTestIssuer, unsignedToken, type TestIssuer } from "./test-issuer";

let issuer: TestIssuer;
/** Published kid, unpublished key pair: its signatures must not verify. */
let impostorKey: Awaited<ReturnType<TestIssuer["newKey"]>>;
before(async () => {
  issuer = await startTestIssuer();
  impostorKey = await issuer.newKey("key-1");
});
after(() => issuer.close());

function verifierFor(i: TestIssuer, options: TokenVerifierOptions = {}): TokenVerifier {
  const verifier = new TokenVerifier(options);
  verifier.setProviders(
    parseAuthConfig(
      {
        providers: [
          { type: "customJwt", issuer: i.customIssuer, jwks: i.customJwks, algorithm: "RS256", applicationID: "app-custom" },
          { domain: i.oidcDomain, applicationID: "app-oidc" },
          { domain: i.slashDomain, applicationID: "app-slash" },
        ],
      },
      "convex/auth.config.ts",
    ),
  );
  return verifier;
}

const custom = (i: TestIssuer, extra: Record<string, unknown> = {}) => ({
  iss: i.customIssuer,
  aud: "app-custom",
  sub: "user-1",
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
  ...extra,
});
const oidc = (i: TestIssuer, extra: Record<string, unknown> = {}) => ({
  iss: i.oidcDomain,
  aud: "app-oidc",
  sub: "user-2",
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail("expected the token to be refused");
}

describe("identities", () => {
  test("a custom JWT: tokenIdentifier, issuer, subject, then the other claims, nested ones flattened", async () => {
    const token = await issuer.sign(
      custom(issuer, {
        name: "Ada",
        email: "ada@example.com",
        given_name: "Ada",
        properties: { id: "123", color: { primary: "red" } },
        roles: ["admin"],
        jti: "j1",
        nbf: nowSeconds() - 10,
        fva: [1, 2],
      }),
    );
    const identity = await verifierFor(issuer).verify(token);
    assert.deepEqual(identity, {
      tokenIdentifier: `${issuer.customIssuer}|user-1`,
      issuer: issuer.customIssuer,
      subject: "user-1",
      email: "ada@example.com",
      given_name: "Ada",
      name: "Ada",
      "properties.color.primary": "red",
      "properties.id": "123",
      roles: ["admin"],
    });
    assert.deepEqual(Object.keys(identity).slice(0, 3), ["tokenIdentifier", "issuer", "subject"]);
  });

  test("an OIDC token: standard claims in camelCase, custom claims kept, housekeeping claims dropped", async () => {
    const token = await issuer.sign(
      oidc(issuer, {
        name: "Grace Hopper",
        given_name: "Grace",
        family_name: "Hopper",
        nickname: "amazing",
        preferred_username: "grace",
        profile: "https://example.com/grace",
        picture: "https://example.com/grace.png",
        website: "https://grace.example.com",
        email: "grace@example.com",
        email_verified: true,
        gender: "female",
        birthdate: "1906-12-09",
        zoneinfo: "America/New_York",
        locale: "en-US",
        phone_number: "+1 555",
        phone_number_verified: "false",
        address: { formatted: "Arlington, VA", country: "US" },
        updated_at: 1700000000,
        org: { role: "admiral" },
        sid: "session-1",
        azp: "http://localhost:3000",
        auth_time: nowSeconds(),
        nonce: "n",
        jti: "j",
        nbf: nowSeconds() - 5,
        fva: [0, -1],
      }),
    );
    const identity = await verifierFor(issuer).verify(token);
    assert.deepEqual(identity, {
      tokenIdentifier: `${issuer.oidcDomain}|user-2`,
      issuer: issuer.oidcDomain,
      subject: "user-2",
      name: "Grace Hopper",
      givenName: "Grace",
      familyName: "Hopper",
      nickname: "amazing",
      preferredUsername: "grace",
      profileUrl: "https://example.com/grace",
      pictureUrl: "https://example.com/grace.png",
      websiteUrl: "https://grace.example.com",
      email: "grace@example.com",
      emailVerified: true,
      gender: "female",
      birthday: "1906-12-09",
      timezone: "America/New_York",
      language: "en-US",
      phoneNumber: "+1 555",
      phoneNumberVerified: false,
      address: "Arlington, VA",
      updatedAt: "2023-11-14T22:13:20+00:00",
      org: { role: "admiral" },
      sid: "session-1",
    });
    // Field order as the backend serializes it.
    assert.deepEqual(Object.keys(identity).slice(0, 6), ["tokenIdentifier", "issuer", "subject", "name", "givenName", "familyName"]);
  });

  test("an OIDC issuer with a trailing slash matches a domain configured without one", async () => {
    const token = await issuer.sign({ ...oidc(issuer), iss: `${issuer.slashDomain}/`, aud: "app-slash" });
    const identity = await verifierFor(issuer).verify(token);
    assert.equal(identity.tokenIdentifier, `${issuer.slashDomain}/|user-2`);
  });

  test("an OIDC token signed with EdDSA is accepted, ES256 is not", async () => {
    const i = await startTestIssuer();
    try {
      const ed = await i.newKey("ed-key", "EdDSA");
      const es = await i.newKey("es-key", "ES256");
      i.keys.push(ed, es);
      const verifier = verifierFor(i);
      assert.equal((await verifier.verify(await i.sign(oidc(i), ed))).subject, "user-2");
      assert.match(
        await failure(verifier.verify(await i.sign(oidc(i), es))),
        /signed with 'ES256'; OIDC tokens are accepted with RS256 or EdDSA only/,
      );
    } finally {
      await i.close();
    }
  });

  test("a custom JWT provider with algorithm ES256 and no applicationID accepts any audience", async () => {
    const i = await startTestIssuer();
    try {
      const es = await i.newKey("es-key", "ES256");
      i.keys.push(es);
      const verifier = new TokenVerifier();
      verifier.setProviders(
        parseAuthConfig(
          { providers: [{ type: "customJwt", issuer: i.customIssuer, jwks: i.customJwks, algorithm: "ES256" }] },
          "auth.config.ts",
        ),
      );
      const identity = await verifier.verify(await i.sign(custom(i, { aud: undefined }), es));
      assert.equal(identity.subject, "user-1");
      assert.match(
        await failure(verifier.verify(await i.sign(custom(i)))),
        /signed with 'RS256', but this provider's algorithm in auth.config.ts is 'ES256'/,
      );
    } finally {
      await i.close();
    }
  });

  test("a JWKS given inline as a data: URL", async () => {
    const jwks = `data:text/plain;charset=utf-8;base64,${Buffer.from(JSON.stringify({ keys: [issuer.keys[0]!.publicJwk] })).toString("base64")}`;
    const verifier = new TokenVerifier();
    verifier.setProviders(
      parseAuthConfig({ providers: [{ type: "customJwt", issuer: issuer.customIssuer, jwks, algorithm: "RS256" }] }, "a"),
    );
    assert.equal((await verifier.verify(await issuer.sign(custom(issuer)))).subject, "user-1");
  });
});

describe("refused tokens, each with the check that failed", () => {
  test("custom JWT: time, issuer, audience and claims", async () => {
    const v = verifierFor(issuer);
    const now = nowSeconds();
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["expired", { exp: now - 60 }, /^Could not validate token: Token expired 6\d seconds ago$/],
      ["not yet valid", { nbf: now + 60 }, /^Could not validate token: Token will be valid in (59|60) seconds$/],
      [
        "wrong iss",
        { iss: "https://evil.example.com" },
        /^No auth provider found matching the given token\. Check that your JWT's issuer and audience match one of your configured providers: \[CustomJWT\(issuer=http:\/\/127\.0\.0\.1:\d+\/custom, app_id=app-custom\), OIDC.*The token has iss 'https:\/\/evil\.example\.com' and aud \["app-custom"\]\.$/,
      ],
      [
        "wrong aud",
        { aud: "someone-else" },
        /^No auth provider found matching the given token\..*The token has iss '.*\/custom' and aud \["someone-else"\]\.$/,
      ],
      ["no aud", { aud: undefined }, /No auth provider found matching the given token\..* and aud \[\]\.$/],
      ["no iss", { iss: undefined }, /^Missing issuer claim \('iss'\) in JWT payload\./],
      ["no sub", { sub: undefined }, /^Could not verify token claim\. .*\(Missing subject\)$/],
      ["no exp", { exp: undefined }, /^Could not verify token claim\. .*\(Missing expiry\)$/],
    ];
    for (const [name, claims, expected] of cases) {
      assert.match(await failure(v.verify(await issuer.sign(custom(issuer, claims)))), expected, name);
    }
    // 5 seconds of leeway, as the backend's biscuit validation.
    assert.equal((await v.verify(await issuer.sign(custom(issuer, { exp: now - 3 })))).subject, "user-1");
  });

  test("custom JWT: signatures, keys and algorithms", async () => {
    const v = verifierFor(issuer);
    const claims = custom(issuer);
    const impostor = await impostorKey;
    const stranger = renamed(issuer.keys[0]!, "key-unknown");
    const publicPem = await exportSPKI(issuer.keys[0]!.publicKey);
    const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: "key-1" }).sign(new TextEncoder().encode(publicPem));

    assert.match(
      await failure(v.verify(await issuer.sign(claims, impostor))),
      /^Could not decode token\. Invalid signature: the JWT does not verify with the key 'key-1' of the provider's JWKS at 'http:.*\/custom\/jwks\.json'\.$/,
    );
    assert.match(
      await failure(v.verify(await issuer.sign(claims, stranger))),
      /^Could not decode token\. The JWT's 'kid' \(key ID\) header is 'key-unknown', does this key match any key in the provider's JWKS\? The JWKS at '.*' has the keys \["key-1"\]\.$/,
    );
    assert.match(
      await failure(v.verify(unsignedToken(claims))),
      /^Could not decode token\. The JWT is not signed \('alg' is 'none'\); this provider only accepts RS256 signatures\.$/,
    );
    assert.match(
      await failure(v.verify(hs256)),
      /^Could not decode token\. The JWT is signed with 'HS256', but this provider's algorithm in auth\.config\.ts is 'RS256'\.$/,
    );
    assert.match(
      await failure(v.verify(await issuer.sign(claims, undefined, { kid: undefined }))),
      /^Could not decode token\. JWT may be missing a 'kid' \(key ID\) header\.$/,
    );
    assert.match(await failure(v.verify("garbage")), /^Could not parse JWT payload\. Check that the token is a valid JWT format/);
    assert.match(await failure(v.verify("a.b.c")), /^Could not parse JWT payload\./);
  });

  test("OIDC: discovery, signature, audience, time and ID-token claims", async () => {
    const v = verifierFor(issuer);
    const now = nowSeconds();
    const prefix = /^Could not verify OIDC token claim\. Check that the token signature is valid and the token hasn't expired\. /;
    const expect = async (token: string, detail: RegExp) => {
      const message = await failure(v.verify(token));
      assert.match(message, prefix);
      assert.match(message, detail);
    };
    await expect(await issuer.sign(oidc(issuer, { exp: now - 1 })), /\(Expired: ID token expired at .* \(current time is .*\)\.\)$/);
    await expect(await issuer.sign(oidc(issuer, { nbf: now + 60 })), /\(The token is not valid before /);
    await expect(await issuer.sign(oidc(issuer, { aud: ["app-oidc", "other"] })), /`other` is not a trusted audience/);
    await expect(
      await issuer.sign(oidc(issuer), impostorKey),
      /\(Invalid signature: the token does not verify with the keys of the JWKS at '.*\/oidc\/jwks\.json'\.\)$/,
    );
    await expect(
      await issuer.sign(oidc(issuer), renamed(issuer.keys[0]!, "nope")),
      /No key of the JWKS at '.*' matches the token \(kid 'nope', RS256\); its keys are \["key-1"\]\./,
    );
    await expect(unsignedToken(oidc(issuer)), /\(The token is not signed: 'alg' is 'none'\.\)$/);
    assert.match(
      await failure(v.verify(await issuer.sign(oidc(issuer, { iat: undefined })))),
      /^Could not parse as OIDC ID token\. Token might not be an OIDC-compliant JWT\. \(the 'iat' claim is missing or not a number\)$/,
    );
    assert.match(await failure(v.verify(await issuer.sign(oidc(issuer, { email: 42 })))), /\('email' must be a string\)$/);
    // The token names the issuer with a slash, the discovery document without: they must be equal.
    assert.match(
      await failure(v.verify(await issuer.sign(oidc(issuer, { iss: `${issuer.oidcDomain}/` })))),
      /^Auth provider discovery of http:.*\/oidc\/ failed: unexpected issuer URI `http:.*\/oidc` in/,
    );
  });

  test("provider documents that cannot be fetched: the error names the URL", async () => {
    const i = await startTestIssuer();
    try {
      const v = verifierFor(i);
      const token = await i.sign(custom(i));
      i.overrides.set("/custom/jwks.json", (_q, r) => r.writeHead(500, { "content-type": "application/json" }).end("{}"));
      assert.equal(
        await failure(v.verify(token)),
        `Could not fetch JWKS from URL '${i.customJwks}': HTTP 500 Internal Server Error. Check that the URL is correct and accessible.`,
      );
      i.overrides.set("/custom/jwks.json", (_q, r) => r.writeHead(200, { "content-type": "text/html" }).end("<html>"));
      assert.equal(
        await failure(v.verify(token)),
        `Invalid Content-Type 'text/html' when fetching JWKS from '${i.customJwks}'. Expected 'application/json' or 'application/jwk-set+json'.`,
      );
      i.overrides.set("/custom/jwks.json", (_q, r) => r.writeHead(200, { "content-type": "application/jwk-set+json" }).end("[1]"));
      assert.equal(
        await failure(v.verify(token)),
        `Invalid JWKS response body from '${i.customJwks}'. The response is not valid JSON or doesn't match the expected JWKS format.`,
      );
      i.overrides.set("/oidc/.well-known/openid-configuration", (_q, r) =>
        r.writeHead(404, { "content-type": "text/plain" }).end("no such issuer"),
      );
      assert.equal(
        await failure(v.verify(await i.sign(oidc(i)))),
        `Auth provider discovery of ${i.oidcDomain} failed: 404 Not Found no such issuer`,
      );
    } finally {
      await i.close();
    }
    // The provider is gone altogether. The cause is usually ECONNREFUSED, but a test running in
    // parallel may already have taken the freed port, so only the URL and the shape are fixed.
    const gone = new TokenVerifier();
    gone.setProviders(
      parseAuthConfig(
        { providers: [{ type: "customJwt", issuer: issuer.customIssuer, jwks: `${i.url}/custom/jwks.json`, algorithm: "RS256" }] },
        "a",
      ),
    );
    assert.match(
      await failure(gone.verify(await issuer.sign(custom(issuer)))),
      new RegExp(
        `^Could not fetch JWKS from URL '${i.url}/custom/jwks.json': fetch failed: .+\\. Check that the URL is correct and accessible\\.$`,
      ),
    );
  });
});

describe("keys and caches", () => {
  test("a rotated key is fetched once; made-up kids do not refetch within the cooldown", async () => {
    const i = await startTestIssuer();
    try {
      let clock = Date.now();
      const v = verifierFor(i, { now: () => clock, refetchCooldownMs: 10_000 });
      const jwksHits = () => i.hits.get("/custom/jwks.json") ?? 0;
      await v.verify(await i.sign(custom(i)));
      assert.equal(jwksHits(), 1);

      const rotated = await i.newKey("key-2");
      i.keys.push(rotated);
      assert.equal((await v.verify(await i.sign(custom(i, { sub: "rotated" }), rotated))).subject, "rotated");
      assert.equal(jwksHits(), 2);

      const made = renamed(i.keys[0]!, "made-up");
      for (let n = 0; n < 5; n++) {
        assert.match(await failure(v.verify(await i.sign(custom(i, { sub: `x${n}` }), made))), /'kid' \(key ID\) header is 'made-up'/);
      }
      assert.equal(jwksHits(), 2, "no refetch within the cooldown");

      clock += 11_000;
      await failure(v.verify(await i.sign(custom(i, { sub: "later" }), made)));
      assert.equal(jwksHits(), 3, "one refetch once the cooldown has passed");
    } finally {
      await i.close();
    }
  });

  test("a verified token is reused until it expires; the cache is bounded", async () => {
    const i = await startTestIssuer();
    try {
      let clock = Date.now();
      // Key sets are never reused here, so only the identity cache can answer without a fetch.
      const v = verifierFor(i, { now: () => clock, maxCachedIdentities: 2, documentTtlMs: 0 });
      const jwksHits = () => i.hits.get("/custom/jwks.json") ?? 0;
      const token = await i.sign(custom(i, { exp: nowSeconds() + 30 }));
      const first = await Promise.all([v.verify(token), v.verify(token), v.verify(token)]);
      assert.equal(jwksHits(), 1, "concurrent checks of one token share one check");
      assert.deepEqual(await v.verify(token), first[0]);
      assert.equal(jwksHits(), 1, "served from the cache, no fetch");
      clock += 60_000;
      assert.match(
        await failure(v.verify(token)),
        /^Could not validate token: Token expired 3\d seconds ago$/,
        "checked again once expired",
      );
      assert.equal(jwksHits(), 2);
      for (const sub of ["a", "b", "c"]) await v.verify(await i.sign(custom(i, { sub })));
      assert.equal(v.cachedIdentities, 2);
    } finally {
      await i.close();
    }
  });
});

describe("auth.config.ts", () => {
  const parse = (config: unknown) => {
    try {
      return parseAuthConfig(config, "convex/auth.config.ts");
    } catch (error) {
      return (error as Error).message;
    }
  };
  const prefix = "convex/auth.config.ts: auth config file must include a list of provider credentials: ";

  test("broken files are named with the field that is wrong", () => {
    assert.equal(
      parse({}),
      `${prefix}missing field \`providers\`. If this value comes from process.env, that variable is not set for Convex Lens (pass it with --env-file).`,
    );
    assert.equal(parse({ providers: {} }), `${prefix}\`providers\` must be an array, got object.`);
    assert.match(
      String(parse({ providers: [{ applicationID: "a" }] })),
      /^convex\/auth\.config\.ts: .*Provider at index 0 is missing the 'domain' field\./,
    );
    assert.match(
      String(parse({ providers: [{ type: "customJwt", issuer: "https://a.com", algorithm: "RS256" }] })),
      /Provider at index 0 is missing the 'jwks' field/,
    );
    assert.equal(
      parse({ providers: [{ domain: "https://a.com", applicationId: "x" }] }),
      `${prefix}Provider at index 0 must have applicationID property spelled lowercase 'application', capital I, capital D.`,
    );
    assert.equal(parse({ providers: [{ type: "saml" }] }), `${prefix}Provider at index 0 has unexpected 'type' value 'saml'`);
    assert.equal(
      parse({ providers: [{ type: "customJwt", domain: "x" }] }),
      `${prefix}Provider at index 0 is a customJwt so cannot have a 'domain' specified`,
    );
    assert.equal(
      parse({ providers: [{ domain: "https://a.com", issuer: "x", applicationID: "a" }] }),
      `${prefix}Provider at index 0 is oidc so cannot have an 'issuer' specified.`,
    );
    assert.match(
      String(parse({ providers: [{ type: "customJwt", issuer: "https://a.com", jwks: "https://a.com/j", algorithm: "HS256" }] })),
      /Invalid signature algorithm \(only RS256 and ES256 are supported\): HS256$/,
    );
    assert.match(
      String(parse({ providers: [{ domain: "ftp://a.com", applicationID: "a" }] })),
      /Invalid provider domain URL "ftp:\/\/a\.com": must use HTTPS$/,
    );
    assert.match(String(parse({ providers: [{ domain: "foobar123", applicationID: "a" }] })), /Does not look like a URL/);
  });

  test("domains without a scheme get https://, http:// is allowed", () => {
    const providers = parse({
      providers: [
        { domain: "example.com", applicationID: "a" },
        { domain: "http://localhost:3211", applicationID: "b" },
      ],
    });
    assert.deepEqual(providers, [
      { kind: "oidc", index: 0, domain: "https://example.com", applicationId: "a" },
      { kind: "oidc", index: 1, domain: "http://localhost:3211", applicationId: "b" },
    ]);
  });

  test("the file is found in the functions folder and named relative to the project", () => {
    assert.deepEqual(locateAuthConfig(join(FIXTURES, "auth-app")), { label: "convex/auth.config.ts", exists: true });
    assert.deepEqual(locateAuthConfig(join(FIXTURES, "basic")), { label: "convex/auth.config.ts", exists: false });
  });

  test("no providers: every token is refused with the backend's hint", async () => {
    const v = new TokenVerifier();
    v.setProviders(parseAuthConfig(null, "convex/auth.config.ts"));
    assert.match(
      await failure(v.verify(await issuer.sign(custom(issuer)))),
      /^No auth provider found matching the given token \(no providers configured\)\. Check convex\/auth\.config\.ts\./,
    );
  });
});

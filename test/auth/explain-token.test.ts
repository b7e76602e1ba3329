// explainToken: a JWT explained against auth.config.ts — which provider, which check fails and why
// — with the verdict the runtime's own verification gives. Keys come from a local issuer.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportSPKI, SignJWT } from "jose";
import { DevIssuer } from "../../runtime/auth/dev-issuer";
import { explainToken, relative, type AuthConfigInput, type TokenExplanation } from "../../runtime/auth/explain-token";
import { nowSeconds, renamed, startTestIssuer, unsignedToken, type TestIssuer } from "./test-issuer";

let issuer: TestIssuer;
let config: AuthConfigInput;
const now = Date.now();

before(async () => {
  issuer = await startTestIssuer("ES256");
  config = {
    kind: "loaded",
    file: "convex/auth.config.ts",
    config: {
      providers: [
        { type: "customJwt", issuer: issuer.customIssuer, jwks: issuer.customJwks, algorithm: "ES256", applicationID: "convex-lens-test" },
        { domain: issuer.oidcDomain, applicationID: "convex-lens-oidc" },
      ],
    },
  };
});
after(() => issuer?.close());

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: issuer.customIssuer,
  aud: "convex-lens-test",
  sub: "user-42",
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
  ...extra,
});

/** check → outcome, for the findings that are not "pass". */
function problems(explanation: TokenExplanation): Record<string, string> {
  return Object.fromEntries(
    explanation.findings.filter((f) => f.outcome !== "pass" && f.outcome !== "skip").map((f) => [f.check, f.outcome]),
  );
}

function finding(explanation: TokenExplanation, check: string) {
  const found = explanation.findings.find((f) => f.check === check);
  assert.ok(found, `a finding for ${check}`);
  return found;
}

describe("explainToken", () => {
  test("a valid token: header, claims, times, the matching provider, every check passed, the identity", async () => {
    const token = await issuer.sign(claims({ name: "Ada" }));
    const explanation = await explainToken(`Bearer ${token}`, config, now);
    assert.deepEqual(explanation.header, { alg: "ES256", kid: "key-1", typ: "JWT" });
    assert.equal(explanation.claims?.sub, "user-42");
    assert.deepEqual(
      explanation.times.map((t) => t.claim),
      ["iat", "exp"],
    );
    assert.equal(explanation.times[1]!.relative, "in 10 min");
    assert.equal(explanation.checked?.index, 0);
    assert.deepEqual(
      explanation.providers.map((p) => [p.index, p.kind, p.issuerMatches, p.audienceMatches]),
      [
        [0, "customJwt", true, true],
        [1, "oidc", false, false],
      ],
    );
    assert.deepEqual(problems(explanation), {});
    assert.deepEqual(
      explanation.findings.map((f) => `${f.check}:${f.outcome}`),
      [
        "format:pass",
        "config:pass",
        "provider:pass",
        "iss:pass",
        "aud:pass",
        "alg:pass",
        "keys:pass",
        "kid:pass",
        "signature:pass",
        "exp:pass",
        "nbf:skip",
        "claims:pass",
      ],
    );
    assert.deepEqual(explanation.verdict, {
      ok: true,
      identity: { tokenIdentifier: `${issuer.customIssuer}|user-42`, issuer: issuer.customIssuer, subject: "user-42", name: "Ada" },
    });
  });

  test("each failure kind is named, with the runtime's own message as the verdict", async () => {
    const otherKey = await issuer.newKey("key-1", "ES256");
    const hs256 = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", kid: "key-1" })
      .sign(new TextEncoder().encode(await exportSPKI(issuer.keys[0]!.publicKey)));
    const cases: Array<{ name: string; token: string; check: string; finding: RegExp; verdict: RegExp }> = [
      {
        name: "iss",
        token: await issuer.sign(claims({ iss: "https://accounts.example.com" })),
        check: "iss",
        finding: /^Invalid issuer: https:\/\/accounts\.example\.com != http:\/\/127\.0\.0\.1:\d+\/custom$/,
        verdict: /^No auth provider found matching the given token\./,
      },
      {
        name: "aud",
        token: await issuer.sign(claims({ aud: "another-app" })),
        check: "aud",
        finding: /^Invalid audience: convex-lens-test not in \["another-app"\]$/,
        verdict: /^No auth provider found matching the given token\./,
      },
      {
        name: "exp",
        token: await issuer.sign(claims({ exp: nowSeconds() - 60 })),
        check: "exp",
        finding: /^Token expired \d+ seconds ago \(at \d{4}-/,
        verdict: /^Could not validate token: Token expired \d+ seconds ago$/,
      },
      {
        name: "nbf",
        token: await issuer.sign(claims({ nbf: nowSeconds() + 120 })),
        check: "nbf",
        finding: /^Token will be valid in \d+ seconds/,
        verdict: /^Could not validate token: Token will be valid in \d+ seconds$/,
      },
      {
        name: "signature",
        token: await issuer.sign(claims(), otherKey),
        check: "signature",
        finding: /^Invalid signature: the token does not verify with the key 'key-1'/,
        verdict: /^Could not decode token\. Invalid signature/,
      },
      {
        name: "alg",
        token: hs256,
        check: "alg",
        finding: /^The JWT is signed with 'HS256', but this provider's algorithm is 'ES256'\.$/,
        verdict: /^Could not decode token\. The JWT is signed with 'HS256'/,
      },
      {
        name: "alg none",
        token: unsignedToken(claims()),
        check: "alg",
        finding: /^The token is not signed: 'alg' is 'none'\.$/,
        verdict: /^Could not decode token\. The JWT is not signed/,
      },
      {
        name: "unknown kid",
        token: await issuer.sign(claims(), renamed(issuer.keys[0]!, "key-nobody-published")),
        check: "kid",
        finding: /^Unknown kid 'key-nobody-published': the JWKS at '[^']+' has the keys \["key-1"\]\.$/,
        verdict: /^Could not decode token\. The JWT's 'kid' \(key ID\) header is 'key-nobody-published'/,
      },
      {
        name: "no sub",
        token: await issuer.sign(claims({ sub: undefined })),
        check: "claims",
        finding: /^Missing or invalid 'sub'/,
        verdict: /\(Missing subject\)$/,
      },
    ];
    for (const c of cases) {
      const explanation = await explainToken(c.token, config, Date.now());
      assert.equal(explanation.verdict.ok, false, c.name);
      if (explanation.verdict.ok) continue;
      assert.equal(explanation.verdict.check, c.check, `${c.name}: the verdict names the check`);
      assert.match(explanation.verdict.message, c.verdict, `${c.name}: verdict`);
      const failed = finding(explanation, c.check);
      assert.equal(failed.outcome, "fail", c.name);
      assert.match(failed.message, c.finding, `${c.name}: finding`);
      assert.equal(explanation.checked?.index, 0, `${c.name}: explained against the closest provider`);
    }
  });

  test("the findings go on past the first failure: expired and wrong audience at once", async () => {
    const explanation = await explainToken(await issuer.sign(claims({ aud: "x", exp: nowSeconds() - 100 })), config, Date.now());
    assert.deepEqual(problems(explanation), { provider: "warn", aud: "fail", exp: "fail" });
  });

  test("an OIDC token: discovery at its iss, then the key set", async () => {
    const ed = await issuer.newKey("ed-key", "EdDSA");
    issuer.keys.push(ed);
    try {
      const token = await issuer.sign(claims({ iss: issuer.oidcDomain, aud: "convex-lens-oidc", email: "ada@example.com" }), ed);
      const explanation = await explainToken(token, config, Date.now());
      assert.equal(explanation.checked?.index, 1);
      assert.deepEqual(problems(explanation), {});
      assert.equal(explanation.verdict.ok, true);
      const expired = await explainToken(
        await issuer.sign(claims({ iss: issuer.oidcDomain, aud: "convex-lens-oidc", exp: nowSeconds() - 1 }), ed),
        config,
        Date.now(),
      );
      assert.equal(finding(expired, "exp").outcome, "fail", "OIDC has no leeway on exp");
    } finally {
      issuer.keys.pop();
    }
  });

  test("not a JWT; no providers; auth.config.ts unknown; a broken auth.config.ts", async () => {
    const garbage = await explainToken("not-a-jwt", config, now);
    assert.deepEqual(
      garbage.findings.map((f) => `${f.check}:${f.outcome}`),
      ["format:fail"],
    );
    assert.deepEqual(garbage.verdict.ok ? null : garbage.verdict.check, "format");

    const token = await issuer.sign(claims());
    const none = await explainToken(token, { kind: "loaded", config: null, file: "convex/auth.config.ts" }, now);
    assert.equal(finding(none, "provider").outcome, "fail");
    assert.match(none.verdict.ok ? "" : none.verdict.message, /no providers configured/);

    const unknown = await explainToken(token, { kind: "unavailable", reason: "the runtime is stopped" }, now);
    assert.equal(finding(unknown, "config").outcome, "warn");
    assert.deepEqual(unknown.verdict, {
      ok: false,
      check: "config",
      message: "Could not check the token against auth.config.ts: the runtime is stopped",
    });

    const noExport = await explainToken(token, { kind: "loaded", config: null, file: "convex/auth.config.ts", exists: true }, now);
    assert.deepEqual(noExport.verdict, {
      ok: false,
      check: "config",
      message:
        "convex/auth.config.ts: auth config file is missing default export. To learn more, see the auth documentation at https://docs.convex.dev/auth.",
    });

    const broken = await explainToken(
      token,
      { kind: "loaded", file: "convex/auth.config.ts", config: { providers: [{ type: "customJwt", issuer: issuer.customIssuer }] } },
      now,
    );
    assert.equal(broken.verdict.ok ? null : broken.verdict.check, "config");
    assert.match(finding(broken, "config").message, /Provider at index 0 is missing the 'jwks' field/);
  });

  test("dev issuer tokens: trusted when the runtime trusts the dev issuer, explained when it does not", async () => {
    const folder = mkdtempSync(join(tmpdir(), "convex-lens-explain-"));
    try {
      const dev = await DevIssuer.open(folder, "http://127.0.0.1:3310/convex-lens-dev-issuer");
      const token = await dev.sign({ subject: "dev-user", claims: { role: "admin" } });
      const pinned = { provider: dev.provider("http://127.0.0.1:3310/convex-lens-dev-issuer/.well-known/jwks.json"), keys: dev.jwks.keys };
      const trusted = await explainToken(token, config, Date.now(), { devIssuer: pinned });
      assert.equal(trusted.fromDevIssuer, true);
      assert.equal(trusted.checked?.dev, true);
      assert.deepEqual(problems(trusted), {});
      assert.deepEqual(trusted.verdict.ok && trusted.verdict.identity.role, "admin");

      const untrusted = await explainToken(token, config, Date.now());
      assert.equal(finding(untrusted, "provider").outcome, "fail");
      assert.match(finding(untrusted, "provider").message, /local dev issuer, which the runtime does not trust now/);
      assert.equal(untrusted.verdict.ok, false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test("relative times", () => {
    assert.equal(relative(100, 100), "now");
    assert.equal(relative(103, 100), "in 3 s");
    assert.equal(relative(100, 400), "5 min ago");
    assert.equal(relative(100 + 3 * 3600, 100), "in 3 h");
    assert.equal(relative(100, 100 + 3 * 86_400), "3 days ago");
  });
});

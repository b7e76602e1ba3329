// "Act as a user" on the host side: the identity the user typed becomes a dev token in the
// Authorization header, for the local runtime only; other targets are refused with the reason.
// Also: finding a JWT in a selection, and the Decode token report.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { DevIssuer } from "../../runtime/auth/dev-issuer";
import { explainToken } from "../../runtime/auth/explain-token";
import { actAsTargetOf, signActAs, toDevIdentity, withActAs } from "../../extension/requests/act-as";
import { RequestError } from "../../extension/requests/request-builder";
import { findJwt } from "../../extension/auth/find-jwt";
import { tokenReportMarkdown } from "../../extension/auth/token-report";
import type { ActAsIdentity } from "../../webview/protocol/core";
import type { EditableRequest } from "../../webview/protocol/response";

const folder = mkdtempSync(join(tmpdir(), "convex-lens-act-as-"));
after(() => rmSync(folder, { recursive: true, force: true }));
const issuerPromise = DevIssuer.open(folder, "http://127.0.0.1:3310/convex-lens-dev-issuer");

const LOCAL = { local: true, label: "the local Convex Lens runtime" };
const identity: ActAsIdentity = {
  enabled: true,
  subject: " user_1 ",
  name: "Ada",
  email: "",
  claims: '{"role":"admin","org":{"id":"o1"}}',
};

function request(overrides: Partial<EditableRequest> = {}): EditableRequest {
  return {
    method: "GET",
    routePath: "/me",
    pathRest: "",
    query: "",
    headers: [{ name: "Accept", value: "application/json" }],
    body: "",
    actAs: identity,
    ...overrides,
  };
}

test("the identity becomes a signed dev token in Authorization, replacing a placeholder header", async () => {
  const issuer = await issuerPromise;
  const sent = await withActAs(
    request({
      headers: [
        { name: "Accept", value: "*/*" },
        { name: "authorization", value: "Bearer " },
      ],
    }),
    issuer,
    LOCAL,
  );
  assert.deepEqual(
    sent.headers.map((h) => h.name),
    ["Accept", "Authorization"],
  );
  const claims = decodeJwt(sent.headers[1]!.value.replace(/^Bearer /, ""));
  assert.equal(claims.sub, "user_1");
  assert.equal(claims.name, "Ada");
  assert.equal(claims.email, undefined);
  assert.equal(claims.role, "admin");
  assert.deepEqual(claims.org, { id: "o1" });
});

test("act-as off: the request is sent as written", async () => {
  const plain = request({ actAs: { ...identity, enabled: false } });
  assert.equal(await withActAs(plain, await issuerPromise, LOCAL), plain);
  const none = request({ actAs: undefined });
  assert.equal(await withActAs(none, null, { local: false, label: "x" }), none);
});

test("refused: another target, no dev issuer, a real Authorization header, bad claims, no subject", async () => {
  const issuer = await issuerPromise;
  const deployment = actAsTargetOf({ kind: "deployment", label: "Deployment happy-animal-123 — https://happy-animal-123.convex.site" });
  assert.deepEqual(deployment.local, false);
  assert.equal(actAsTargetOf({ kind: "runtime", label: "Local runtime" }).local, true);
  await assert.rejects(withActAs(request(), issuer, deployment), (error: Error) => {
    assert.ok(error instanceof RequestError);
    assert.match(
      error.message,
      /^Act as a user works only with the local Convex Lens runtime: tokens of its dev issuer are never valid on Deployment happy-animal-123/,
    );
    return true;
  });
  await assert.rejects(
    withActAs(request(), null, LOCAL),
    /needs the runtime's local dev issuer: start the runtime, and check that the setting convexLens\.devIssuer is on/,
  );
  await assert.rejects(
    withActAs(request({ headers: [{ name: "Authorization", value: "Bearer abc" }] }), issuer, LOCAL),
    /has its own Authorization header and "Act as a user" is on/,
  );
  await assert.rejects(signActAs({ ...identity, claims: "{role: admin}" }, issuer, LOCAL), /the custom claims are not valid JSON/);
  await assert.rejects(signActAs({ ...identity, claims: "[1]" }, issuer, LOCAL), /must be a JSON object/);
  await assert.rejects(signActAs({ ...identity, claims: '{"sub":"x"}' }, issuer, LOCAL), /custom claims cannot set 'sub'/);
  assert.throws(() => toDevIdentity({ ...identity, subject: "  " }), /fill in the subject/);
});

test("findJwt picks the token out of a selection", () => {
  const jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
  assert.equal(findJwt(jwt), jwt);
  assert.equal(findJwt(`Authorization: Bearer ${jwt}`), jwt);
  assert.equal(findJwt(`{"token": "${jwt}"}`), jwt);
  assert.equal(findJwt("no token here"), null);
});

test("the Decode token report: verdict, checks, providers, claims", async () => {
  const issuer = await issuerPromise;
  const token = await issuer.sign({ subject: "user_1", claims: { role: "admin" } });
  const pinned = {
    provider: issuer.provider("http://127.0.0.1:3310/convex-lens-dev-issuer/.well-known/jwks.json"),
    keys: issuer.jwks.keys,
  };
  const accepted = tokenReportMarkdown(
    await explainToken(token, { kind: "loaded", config: null, file: "convex/auth.config.ts" }, Date.now(), { devIssuer: pinned }),
  );
  assert.match(accepted, /^# Decode token\n\n## ✅ Accepted\n/);
  assert.match(accepted, /"tokenIdentifier": "http:\/\/127\.0\.0\.1:3310\/convex-lens-dev-issuer\|user_1"/);
  assert.match(accepted, /> Signed by Convex Lens's local dev issuer/);
  assert.match(accepted, /\| Convex Lens dev issuer \(checked\) \|/);
  const refused = tokenReportMarkdown(
    await explainToken(token, { kind: "loaded", config: null, file: "convex/auth.config.ts" }, Date.now()),
  );
  assert.match(refused, /## ❌ Refused \(provider \(by iss and aud\)\)/);
  assert.match(refused, /\| provider \(by iss and aud\) \| ❌ fail \| Signed by a Convex Lens local dev issuer/);
});

// ConvexHttpClient.setAuth: the token travels as `Authorization: Bearer` to the function API and
// becomes the identity of queries, mutations, actions and what they call.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { nowSeconds, startTestIssuer, type TestIssuer } from "../auth/test-issuer";

let issuer: TestIssuer;
let server: FixtureServer;

before(async () => {
  issuer = await startTestIssuer("ES256");
  server = await serveFixture("auth-app", {
    env: { TEST_ISSUER: issuer.customIssuer, TEST_JWKS: issuer.customJwks, TEST_OIDC_DOMAIN: issuer.oidcDomain },
  });
});
after(async () => {
  await server?.stop();
  await issuer?.close();
});

type Identity = { tokenIdentifier: string; subject: string } | null;
const whoamiQuery = makeFunctionReference<"query", Record<string, never>, Identity>("identity:whoamiQuery");
const whoamiMutation = makeFunctionReference<"mutation", Record<string, never>, Identity>("identity:whoamiMutation");
const actionThroughQuery = makeFunctionReference<"action", Record<string, never>, Identity>("identity:actionThroughQuery");

test("without setAuth there is no identity", async () => {
  const client = new ConvexHttpClient(server.api.url);
  assert.equal(await client.query(whoamiQuery, {}), null);
});

test("setAuth's token is the identity in queries, mutations and nested calls from actions", async () => {
  const client = new ConvexHttpClient(server.api.url);
  const token = await issuer.sign({
    iss: issuer.customIssuer,
    aud: "convex-lens-test",
    sub: "client-user",
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
  });
  client.setAuth(token);
  for (const identity of [
    await client.query(whoamiQuery, {}),
    await client.mutation(whoamiMutation, {}),
    await client.action(actionThroughQuery, {}),
  ]) {
    assert.equal(identity?.subject, "client-user");
    assert.equal(identity?.tokenIdentifier, `${issuer.customIssuer}|client-user`);
  }
});

test("an expired token never yields an identity: the function's getUserIdentity() throws", async () => {
  const client = new ConvexHttpClient(server.api.url);
  const token = await issuer.sign({
    iss: issuer.customIssuer,
    aud: "convex-lens-test",
    sub: "late",
    iat: nowSeconds() - 1000,
    exp: nowSeconds() - 600,
  });
  client.setAuth(token);
  await assert.rejects(() => client.query(whoamiQuery, {}), /Token expired/);
});

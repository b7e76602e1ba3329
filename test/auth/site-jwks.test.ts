// A provider whose key set this same site serves from an HTTP action that reads the database (as
// @convex-dev/better-auth's does). Checking a token then runs a query of the deployment; it must
// not wait for the write lock of the mutation that asked for the identity. Each test reloads the
// project first, so no key set or identity is cached, as after a restart.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { nowSeconds } from "./test-issuer";

const KID = "site-key";
let server: FixtureServer;
let keys: CryptoKeyPair;

const record = makeFunctionReference<"mutation", Record<string, never>, string>("visits:record");
const recordFromAction = makeFunctionReference<"action", Record<string, never>, string>("visits:recordFromAction");

function sign(subject: string): Promise<string> {
  return new SignJWT({ sub: subject, iat: nowSeconds(), exp: nowSeconds() + 600 })
    .setProtectedHeader({ alg: "ES256", kid: KID })
    .setIssuer(server.site.url)
    .setAudience("site-jwks")
    .sign(keys.privateKey);
}

function clientWith(token: string): ConvexHttpClient {
  const client = new ConvexHttpClient(server.api.url);
  client.setAuth(token);
  return client;
}

async function publishKey(): Promise<void> {
  const jwk = JSON.stringify({ ...(await exportJWK(keys.publicKey)), kid: KID, alg: "ES256", use: "sig" });
  const outcome = await server.runtime.runFunction("keys:publish", { jwk }, { udfType: "mutation" });
  assert.ok(outcome.ok, JSON.stringify(outcome));
}

before(async () => {
  keys = await generateKeyPair("ES256", { extractable: true });
  server = await serveFixture("site-jwks-app");
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
});
after(async () => {
  await server?.stop();
});
beforeEach(async () => {
  await server.runtime.reload();
});

describe("before the key set is published", () => {
  test("a mutation gets the site's own answer as its auth error", async () => {
    const token = await sign("too-early");
    await assert.rejects(() => clientWith(token).mutation(record, {}), /Could not fetch JWKS from URL '[^']+\/jwks': HTTP 503/);
  });
});

describe("once the key set is published", () => {
  before(publishKey);

  test("a mutation that is the first to check a token gets its identity", async () => {
    assert.equal(await clientWith(await sign("first-mutation")).mutation(record, {}), "first-mutation");
  });

  test("a mutation run by an action gets the identity", async () => {
    assert.equal(await clientWith(await sign("from-action")).action(recordFromAction, {}), "from-action");
  });

  test("a mutation run by an HTTP action gets the identity", async () => {
    const response = await server.get("/visit", { method: "POST", headers: { authorization: `Bearer ${await sign("over-http")}` } });
    assert.deepEqual(await response.json(), { subject: "over-http" });
  });
});

// Auth provider documents of 100 MB (a JWKS, an OIDC discovery document) against a real
// `convex-lens serve` (test/fixtures/auth-app): they are not read whole. Reading stops at the
// 1 MiB cap, and `getUserIdentity()` throws an error naming the URL and the limit.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nowSeconds, type TestIssuer, type TestKey } from "../auth/test-issuer";
import { copyFixture, type ServeChild } from "./support";
import { serveAuthApp } from "./auth-app-serve";

const HUGE = 100 * 1024 * 1024;
const project = copyFixture("auth-app");
const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-provider-documents-"));
let issuer: TestIssuer;
let oidcKey: TestKey;
let child: ServeChild;

before(async () => {
  ({ issuer, oidcKey, child } = await serveAuthApp(project, dataDir));
});

after(async () => {
  if (child) assert.equal(await child.stop(), 0);
  await issuer?.close();
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Answers with `head`, then spaces up to `total` bytes, then `tail`: valid JSON of that size. It
 * writes only as fast as the client reads, so `sent.bytes` tells how much the client took.
 */
function hugeJson(head: string, tail: string, total: number, sent: { bytes: number }, declareLength: boolean) {
  return (_request: IncomingMessage, response: ServerResponse) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (declareLength) headers["content-length"] = String(total);
    response.writeHead(200, headers);
    response.write(head);
    sent.bytes += head.length;
    const padding = Buffer.alloc(64 * 1024, " ");
    const pump = () => {
      while (sent.bytes + padding.length + tail.length <= total) {
        if (response.destroyed) return;
        sent.bytes += padding.length;
        if (!response.write(padding)) {
          response.once("drain", pump);
          return;
        }
      }
      const rest = total - sent.bytes - tail.length;
      response.end(`${" ".repeat(rest)}${tail}`);
      sent.bytes = total;
    };
    pump();
  };
}

const claims = (iss: string, aud: string) => ({ iss, aud, sub: "user-42", iat: nowSeconds(), exp: nowSeconds() + 600 });

async function whoami(token: string): Promise<{ value?: { subject?: string } | null; error?: string }> {
  const response = await fetch(`${child.site}/whoami`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, "the HTTP action still runs");
  return (await response.json()) as { value?: { subject?: string } | null; error?: string };
}

test("a 100 MB JWKS is not read whole: getUserIdentity() throws an error naming the URL and the limit", async () => {
  const sent = { bytes: 0 };
  const jwks = JSON.stringify({ keys: issuer.keys.map((k) => k.publicJwk) });
  issuer.overrides.set("/custom/jwks.json", hugeJson(jwks.slice(0, -1), "}", HUGE, sent, false));
  const body = await whoami(await issuer.sign(claims(issuer.customIssuer, "convex-lens-test")));
  assert.equal(body.value, undefined);
  assert.equal(
    body.error,
    `Could not fetch JWKS from URL '${issuer.customJwks}': the document is larger than 1 MiB, the limit for auth provider documents.`,
  );
  assert.ok(sent.bytes < 16 * 1024 * 1024, `the provider sent ${sent.bytes} bytes before the runtime stopped reading`);
  issuer.overrides.delete("/custom/jwks.json");
});

test("a 100 MB OIDC discovery document that says its length is refused before its body is read", async () => {
  const sent = { bytes: 0 };
  const discovery = JSON.stringify({ issuer: issuer.oidcDomain, jwks_uri: `${issuer.oidcDomain}/jwks.json` });
  const path = "/oidc/.well-known/openid-configuration";
  issuer.overrides.set(path, hugeJson(discovery.slice(0, -1), "}", HUGE, sent, true));
  const body = await whoami(await issuer.sign(claims(issuer.oidcDomain, "convex-lens-oidc"), oidcKey));
  assert.equal(body.value, undefined);
  assert.equal(
    body.error,
    `Auth provider discovery of ${issuer.oidcDomain} failed: '${issuer.url}${path}' is larger than 1 MiB, the limit for auth provider documents`,
  );
  assert.ok(sent.bytes < 16 * 1024 * 1024, `the provider sent ${sent.bytes} bytes before the runtime stopped reading`);
  issuer.overrides.delete(path);
});

test("documents under the limit still work: a JWKS padded to 900 KiB", async () => {
  const sent = { bytes: 0 };
  const jwks = JSON.stringify({ keys: issuer.keys.map((k) => k.publicJwk) });
  issuer.overrides.set("/custom/jwks.json", hugeJson(jwks.slice(0, -1), "}", 900 * 1024, sent, false));
  const body = await whoami(await issuer.sign(claims(issuer.customIssuer, "convex-lens-test")));
  assert.equal(body.value?.subject, "user-42", JSON.stringify(body));
  issuer.overrides.delete("/custom/jwks.json");
});

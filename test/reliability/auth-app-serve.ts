// The auth-app fixture served by a real `convex-lens serve`, its auth.config.ts pointing (through
// --env-file) at a local identity provider: a custom JWT provider with an ES256 key, and an OIDC
// provider whose tokens are signed with an EdDSA key (OIDC tokens are RS256 or EdDSA).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startTestIssuer, type TestIssuer, type TestKey } from "../auth/test-issuer";
import { startServe, type ServeChild } from "./support";

export interface AuthAppServe {
  issuer: TestIssuer;
  oidcKey: TestKey;
  child: ServeChild;
}

/** `project` is a copy of the auth-app fixture; the env file and the data go under `dataDir`. */
export async function serveAuthApp(project: string, dataDir: string): Promise<AuthAppServe> {
  const issuer = await startTestIssuer("ES256");
  const oidcKey = await issuer.newKey("oidc-key", "EdDSA");
  issuer.keys.push(oidcKey);
  const envFile = join(dataDir, "auth.env");
  writeFileSync(envFile, `TEST_ISSUER=${issuer.customIssuer}\nTEST_JWKS=${issuer.customJwks}\nTEST_OIDC_DOMAIN=${issuer.oidcDomain}\n`);
  const child = await startServe(project, join(dataDir, "data"), ["--env-file", envFile]);
  return { issuer, oidcKey, child };
}

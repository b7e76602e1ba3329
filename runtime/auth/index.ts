// `ctx.auth.getUserIdentity()`: the host asks this module to turn the request's bearer token into
// an identity. Providers come from convex/auth.config.ts, re-read on every (re)load; a broken file
// is reported once on load and then by every token check.
import type { Runtime } from "../host/runtime";
import type { IdentityResolver } from "../host/request-identities";
import type { LoadedProject } from "../shared/protocol";
import type { RuntimeFeature } from "../shared/feature";
import { missingExportError, parseAuthConfig } from "./auth-config";
import { AuthError } from "./auth-error";
import { locateAuthConfig } from "./config-file";
import type { DevIssuer } from "./dev-issuer";
import { TokenVerifier, type TokenVerifierOptions } from "./token-verifier";

export interface AuthOptions extends TokenVerifierOptions {
  /**
   * Also trust tokens of Convex Lens's local dev issuer ("Act as a user"), checked in-process with
   * its public key. `jwksUrl` is where the API origin serves that key (named in messages).
   */
  devIssuer?: { issuer: DevIssuer; jwksUrl: string } | null;
}

export function attachAuth(runtime: Runtime, options: AuthOptions = {}): RuntimeFeature {
  const verifier = new TokenVerifier(options);
  const dev = options.devIssuer ?? null;
  if (dev) verifier.setDevIssuer({ provider: dev.issuer.provider(dev.jwksUrl), keys: dev.issuer.jwks.keys });

  // Runs inside the runtime's reload: it reports problems, it never throws.
  const onLoaded = (project: LoadedProject) => {
    try {
      const file = locateAuthConfig(runtime.options.projectDir);
      if (project.authConfig === null && file.exists) throw missingExportError(file.label);
      verifier.setProviders(parseAuthConfig(project.authConfig, file.label));
    } catch (error) {
      const authError = error instanceof AuthError ? error : new AuthError("AuthConfigNotMatchingSchemaError", String(error));
      verifier.setConfigError(authError);
      runtime.notice(`${authError.message} Every token in an Authorization header is refused until this is fixed.`);
    }
  };

  if (runtime.project) onLoaded(runtime.project);
  runtime.on("loaded", onLoaded);
  const resolver: IdentityResolver = { resolve: (token) => verifier.verify(token) };
  runtime.services.identity = resolver;

  return {
    close() {
      runtime.off("loaded", onLoaded);
      if (runtime.services.identity === resolver) runtime.services.identity = null;
    },
  };
}

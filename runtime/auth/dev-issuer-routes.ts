// The dev issuer's public key on the API origin, so that anyone (curl, a test, another tool) can
// check a dev token the way the runtime does: GET /convex-lens-dev-issuer/.well-known/jwks.json.
import type { Hono } from "hono";
import { DEV_JWKS_PATH, type DevIssuer } from "./dev-issuer";

export function serveDevIssuerJwks(app: Hono, issuer: DevIssuer): void {
  app.get(DEV_JWKS_PATH, (c) => {
    c.header("cache-control", "no-store");
    return c.json(issuer.jwks);
  });
}

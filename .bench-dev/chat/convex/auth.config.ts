// The provider the /me route trusts. Point AUTH_ISSUER / AUTH_JWKS_URL at your own issuer
// (an .env.local file passed with --env-file works) to try it with real tokens.
export default {
  providers: [
    {
      type: "customJwt",
      applicationID: "convex-lens-example",
      issuer: process.env.AUTH_ISSUER ?? "http://127.0.0.1:3399",
      jwks: process.env.AUTH_JWKS_URL ?? "http://127.0.0.1:3399/.well-known/jwks.json",
      algorithm: "RS256",
    },
  ],
};

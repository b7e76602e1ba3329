// The error `ctx.auth.getUserIdentity()` throws for a token that does not check out. `code` is the
// short name the backend attaches (crates/authentication/src/lib.rs: "InvalidAuthHeader",
// "NoAuthProvider", "Unauthenticated", "AuthProviderDiscoveryFailed"); only the message reaches
// user code, so the message alone must say which check failed.
export type AuthErrorCode =
  | "InvalidAuthHeader"
  | "NoAuthProvider"
  | "Unauthenticated"
  | "AuthProviderDiscoveryFailed"
  | "AuthConfigNotMatchingSchemaError"
  | "AuthConfigMissingExportError"
  | "InsecureConfiguration";

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

/** Rust's `{:?}` of a list of strings, which the backend puts in some messages: `["a", "b"]`. */
export function debugList(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;
}

// Turns the default export of convex/auth.config.ts (as JSON) into the list of providers tokens are
// checked against, with the backend's rules and wording: the "common confusions" check of
// crates/isolate/src/environment/auth_config.rs, then the schema of SerializedAuthInfo and the
// URL rules of deserialize_issuer_url (crates/common/src/auth.rs).
import { AuthError } from "./auth-error";

export type SignatureAlgorithm = "RS256" | "ES256";

export type Provider =
  | { kind: "oidc"; index: number; domain: string; applicationId: string }
  | {
      kind: "customJwt";
      index: number;
      issuer: string;
      jwks: string;
      algorithm: SignatureAlgorithm;
      /** null: the token's `aud` is not checked (the backend allows it, and warns in its docs). */
      applicationId: string | null;
    };

const SEE_AUTH_DOCS = "To learn more, see the auth documentation at https://docs.convex.dev/auth.";
// Convex evaluates auth.config.ts with the deployment's env vars; here a variable that is not set
// makes its field disappear from the JSON, which the schema error alone would not explain.
const ENV_HINT = "If this value comes from process.env, that variable is not set for Convex Lens (pass it with --env-file).";

/** `file` is how messages name the config file, e.g. "convex/auth.config.ts". */
export function parseAuthConfig(config: unknown, file: string): Provider[] {
  if (config === null || config === undefined) return [];
  const schemaError = (detail: string) =>
    new AuthError("AuthConfigNotMatchingSchemaError", `${file}: auth config file must include a list of provider credentials: ${detail}`);
  if (typeof config !== "object" || Array.isArray(config)) {
    throw schemaError(`the default export must be an object like { providers: [...] }, got ${kindOf(config)}. ${SEE_AUTH_DOCS}`);
  }
  const providers = (config as { providers?: unknown }).providers;
  if (providers === undefined) throw schemaError(`missing field \`providers\`. ${ENV_HINT}`);
  if (!Array.isArray(providers)) throw schemaError(`\`providers\` must be an array, got ${kindOf(providers)}.`);
  providers.forEach((provider, index) => {
    checkCommonConfusions(provider, index, file, schemaError);
  });
  return providers.map((provider, index) => parseProvider(provider as Record<string, unknown>, index, schemaError));
}

/** What the backend says when auth.config.ts exists but exports nothing usable. */
export function missingExportError(file: string): AuthError {
  return new AuthError("AuthConfigMissingExportError", `${file}: auth config file is missing default export. ${SEE_AUTH_DOCS}`);
}

function checkCommonConfusions(provider: unknown, index: number, file: string, schemaError: (detail: string) => AuthError): void {
  if (typeof provider !== "object" || provider === null || Array.isArray(provider)) {
    throw schemaError(`Provider at index ${index} must be an object, got ${kindOf(provider)}.`);
  }
  const obj = provider as Record<string, unknown>;
  const type = typeof obj.type === "string" ? obj.type : "unknown";
  if ("applicationId" in obj || "applicationid" in obj) {
    throw schemaError(`Provider at index ${index} must have applicationID property spelled lowercase 'application', capital I, capital D.`);
  }
  if (type !== "customJwt" && type !== "oidc" && type !== "unknown") {
    throw schemaError(`Provider at index ${index} has unexpected 'type' value '${type}'`);
  }
  if (type === "customJwt" && "domain" in obj) {
    throw schemaError(`Provider at index ${index} is a customJwt so cannot have a 'domain' specified`);
  }
  if (type !== "customJwt" && "issuer" in obj) {
    throw schemaError(`Provider at index ${index} is oidc so cannot have an 'issuer' specified.`);
  }
  const issuer = obj.issuer;
  if (!("applicationID" in obj) && (issuer === "https://api.workos.com/" || issuer === "https://api.workos.com")) {
    throw new AuthError(
      "InsecureConfiguration",
      `${file}: This auth configuration appears potentially insecure: Provider at index ${index} has an issuer that is shared among many applications, so must to specify an ApplicationID to check against an \`aud\` field of a JWT.`,
    );
  }
}

function parseProvider(obj: Record<string, unknown>, index: number, schemaError: (detail: string) => AuthError): Provider {
  const requireString = (field: string): string => {
    const value = obj[field];
    if (value === undefined) throw schemaError(`Provider at index ${index} is missing the '${field}' field. ${ENV_HINT}`);
    if (typeof value !== "string")
      throw schemaError(`Provider at index ${index} has a '${field}' that is not a string (got ${kindOf(value)}).`);
    return value;
  };
  const toUrl = (field: string): string => {
    const value = requireString(field);
    const checked = checkIssuerUrl(value);
    if (typeof checked !== "string") throw schemaError(`Provider at index ${index}: ${checked.problem}`);
    return checked;
  };
  if (obj.type === "customJwt") {
    const issuer = toUrl("issuer");
    const jwks = requireString("jwks");
    const algorithm = requireString("algorithm");
    if (algorithm !== "RS256" && algorithm !== "ES256") {
      throw schemaError(`Provider at index ${index}: Invalid signature algorithm (only RS256 and ES256 are supported): ${algorithm}`);
    }
    const applicationId = obj.applicationID;
    if (applicationId !== undefined && applicationId !== null && typeof applicationId !== "string") {
      throw schemaError(`Provider at index ${index} has an 'applicationID' that is not a string (got ${kindOf(applicationId)}).`);
    }
    return { kind: "customJwt", index, issuer, jwks, algorithm, applicationId: applicationId ?? null };
  }
  const domain = toUrl("domain");
  return { kind: "oidc", index, domain, applicationId: requireString("applicationID") };
}

/**
 * The backend's deserialize_issuer_url: no scheme means https://, http:// is allowed (local
 * issuers), any other scheme is refused, and a scheme-less value must look like a host name.
 * Returns the URL as written (plus the added scheme), since matching compares strings.
 */
export function checkIssuerUrl(original: string): string | { problem: string } {
  const hadScheme = /^\w+:\/\//.test(original);
  const url = hadScheme ? original : `https://${original}`;
  if (!url.startsWith("http://") && !url.startsWith("https://")) {
    return { problem: `Invalid provider domain URL "${original}": must use HTTPS` };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: `Invalid provider domain URL "${original}": not a valid URL` };
  }
  if (!hadScheme && !looksLikeHost(parsed.hostname)) {
    return {
      problem: `Invalid provider domain URL "${original}": Does not look like a URL (must have a scheme or end with a top-level domain)`,
    };
  }
  return url;
}

// The backend checks the last label against the list of real TLDs; a letters-only label is a
// close approximation that needs no list.
function looksLikeHost(host: string): boolean {
  if (host === "localhost") return true;
  const dot = host.lastIndexOf(".");
  return dot > 0 && /^[a-z]{2,}$/i.test(host.slice(dot + 1));
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

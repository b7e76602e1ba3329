// What the user adds to the loopback-only defaults of both origins: host names a tunnel or a proxy
// sends (--allow-host, convexLens.allowedHosts) and web page origins that may call the API origin
// (--allow-origin, convexLens.allowedOrigins). Checked once, at start, with a message that says how
// to write them.

export class AllowedNameError extends Error {}

export interface AllowedNames {
  /** Lower-case names; ".example.com" stands for that name and every name under it. */
  allowedHosts: string[];
  /** Serialized origins ("https://app.example.com"), or "*" for every origin. */
  allowedOrigins: string[];
}

const LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const BRACKETED_IPV6 = /^\[[0-9a-f:.]+\]$/;

export function parseAllowedHost(value: string): string {
  const host = value.trim().toLowerCase();
  const name = host.startsWith(".") ? host.slice(1) : host;
  if (!HOST_NAME.test(name) && !BRACKETED_IPV6.test(name)) {
    throw new AllowedNameError(
      `"${value}" is not a host name: write it like abc.ngrok.app (no scheme, port or path), or .ngrok.app for that name and every name under it`,
    );
  }
  return host;
}

export function parseAllowedOrigin(value: string): string {
  const trimmed = value.trim();
  if (trimmed === "*") return "*";
  let url: URL | null = null;
  try {
    url = new URL(trimmed);
  } catch {
    // Reported below.
  }
  const ok =
    url !== null &&
    (url.protocol === "http:" || url.protocol === "https:") &&
    url.pathname === "/" &&
    url.search === "" &&
    url.hash === "" &&
    url.username === "" &&
    url.password === "";
  if (!ok) {
    throw new AllowedNameError(
      `"${value}" is not an origin: write it like https://app.example.com or http://192.168.1.5:5173 (scheme, host, and the port unless it is the default; no path), or * for every origin`,
    );
  }
  // Serialized as a browser sends it in Origin: lower-case host, no default port.
  return url!.origin;
}

/** Each value parsed; the first bad one throws AllowedNameError, prefixed with `where` it came from. */
export function parseAllowedList(values: readonly string[] | undefined, parse: (value: string) => string, where: string): string[] {
  return (values ?? []).map((value) => {
    try {
      return parse(value);
    } catch (error) {
      throw error instanceof AllowedNameError ? new AllowedNameError(`${where}: ${error.message}`) : error;
    }
  });
}

/** The lists checked and normalized; throws AllowedNameError, naming the setting, on the first bad entry. */
export function allowedNamesOf(options: { allowedHosts?: readonly string[]; allowedOrigins?: readonly string[] }): AllowedNames {
  return {
    allowedHosts: parseAllowedList(options.allowedHosts, parseAllowedHost, "convexLens.allowedHosts (--allow-host)"),
    allowedOrigins: parseAllowedList(options.allowedOrigins, parseAllowedOrigin, "convexLens.allowedOrigins (--allow-origin)"),
  };
}

// What a browser decides about a cross-origin request, from the Fetch standard
// (https://fetch.spec.whatwg.org/): which requests need a CORS preflight (CORS-safelisted methods
// and request-headers), the CORS check of a response, and the checks of a preflight response.
// Pure functions over header lists; cors-doctor.ts does the network part.

export type Outcome = "ok" | "error" | "warning" | "info";

/** One verdict on one header (or on the status), with the reason in words. */
export interface HeaderCheck {
  /** The response header it is about, or "status". */
  header: string;
  /** The value received (null: absent). */
  value: string | null;
  outcome: Outcome;
  message: string;
}

export type HeaderList = ReadonlyArray<readonly [string, string]>;

const SAFELISTED_METHODS = ["GET", "HEAD", "POST"];
/** Response headers page scripts can always read (CORS-safelisted response-header names). */
const SAFELISTED_RESPONSE_HEADERS = [
  "cache-control",
  "content-language",
  "content-length",
  "content-type",
  "expires",
  "last-modified",
  "pragma",
];
/** Headers the transport adds that no page would look for; left out of "cannot read" notes. */
const TRANSPORT_HEADERS = ["date", "connection", "keep-alive", "transfer-encoding", "server"];
/** Forbidden request-header names: the browser sets these itself, a script cannot. */
const FORBIDDEN_REQUEST_HEADERS = [
  "accept-charset",
  "accept-encoding",
  "access-control-request-headers",
  "access-control-request-method",
  "connection",
  "content-length",
  "cookie",
  "cookie2",
  "date",
  "dnt",
  "expect",
  "host",
  "keep-alive",
  "origin",
  "referer",
  "set-cookie",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "via",
];
/** Browsers' caps on Access-Control-Max-Age, in seconds. */
export const MAX_AGE_CAPS = { chromium: 7200, firefox: 86400 };
/** Fetch: the preflight cache entry's default max-age. */
export const DEFAULT_MAX_AGE_SECONDS = 5;

export function isSafelistedMethod(method: string): boolean {
  return SAFELISTED_METHODS.includes(method);
}

export function isForbiddenRequestHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN_REQUEST_HEADERS.includes(lower) || lower.startsWith("proxy-") || lower.startsWith("sec-");
}

/** A CORS-unsafe request-header byte: a control character (but tab) or one of "():<>?@[\]{}, DEL. */
function hasUnsafeByte(value: string): boolean {
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if ((code < 0x20 && code !== 0x09) || code === 0x7f || '"():<>?@[\\]{}'.includes(char)) return true;
  }
  return false;
}

/** Fetch's "CORS-safelisted request-header" for one name/value pair. */
export function isSafelistedRequestHeader(name: string, value: string): boolean {
  if (Buffer.byteLength(value, "utf8") > 128) return false;
  switch (name.toLowerCase()) {
    case "accept":
      return !hasUnsafeByte(value);
    case "accept-language":
    case "content-language":
      return /^[0-9A-Za-z *,\-.;=]*$/.test(value);
    case "content-type": {
      if (hasUnsafeByte(value)) return false;
      const essence = value.split(";")[0]!.trim().toLowerCase();
      return essence === "application/x-www-form-urlencoded" || essence === "multipart/form-data" || essence === "text/plain";
    }
    case "range":
      return /^bytes=\d*-\d*$/.test(value.trim()) && value.trim() !== "bytes=-";
    default:
      return false;
  }
}

/**
 * Fetch's "CORS-unsafe request-header names": the headers a preflight must ask for, lowercase,
 * sorted, once each (what goes in Access-Control-Request-Headers).
 */
export function corsUnsafeHeaderNames(headers: HeaderList): string[] {
  const unsafe = new Set<string>();
  const safelisted: string[] = [];
  let safelistedSize = 0;
  for (const [name, value] of headers) {
    if (isSafelistedRequestHeader(name, value)) {
      safelisted.push(name.toLowerCase());
      safelistedSize += Buffer.byteLength(value, "utf8");
    } else {
      unsafe.add(name.toLowerCase());
    }
  }
  if (safelistedSize > 1024) for (const name of safelisted) unsafe.add(name);
  return [...unsafe].sort();
}

/** Why a browser sends a preflight for this request (empty: it does not). */
export function preflightReasons(method: string, headers: HeaderList): string[] {
  const reasons: string[] = [];
  if (!isSafelistedMethod(method)) reasons.push(`the method ${method} is not GET, HEAD or POST`);
  for (const name of corsUnsafeHeaderNames(headers)) {
    const value = headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? "";
    const why =
      name === "content-type"
        ? `Content-Type: ${value} is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain`
        : ["accept", "accept-language", "content-language", "range"].includes(name)
          ? `the ${name} header's value is not CORS-safelisted`
          : `the ${name} header is not CORS-safelisted`;
    reasons.push(why);
  }
  return reasons;
}

/** A header as `Headers.get` gives it: all values joined with ", ", or null. */
export function headerValue(headers: HeaderList, name: string): string | null {
  const values = headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  return values.length === 0 ? null : values.join(", ");
}

/** A comma-separated header list (Access-Control-Allow-Methods, -Headers); null if absent, "failure" if malformed. */
export function parseList(value: string | null): string[] | null | "failure" {
  if (value === null) return null;
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return items.every((item) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(item)) ? items : "failure";
}

/**
 * Fetch's "CORS check": Access-Control-Allow-Origin must be `*` (without credentials) or exactly the
 * request's origin, and with credentials Access-Control-Allow-Credentials must be `true`.
 */
export function corsCheck(headers: HeaderList, origin: string, credentials: boolean): HeaderCheck[] {
  const allowOrigin = headerValue(headers, "access-control-allow-origin");
  const allowCredentials = headerValue(headers, "access-control-allow-credentials");
  const checks: HeaderCheck[] = [];
  const acao = (outcome: Outcome, message: string) =>
    checks.push({ header: "Access-Control-Allow-Origin", value: allowOrigin, outcome, message });
  if (allowOrigin === null) {
    acao("error", `Missing: the browser blocks the response because it does not name the page's origin ${origin} (or *).`);
    return checks;
  }
  if (allowOrigin === "*") {
    if (!credentials) {
      acao("ok", "* allows any origin (for requests without credentials).");
      return checks;
    }
    acao(
      "error",
      "* is not allowed with credentials (cookies, credentials: 'include'): answer with the exact origin and Access-Control-Allow-Credentials: true.",
    );
    return checks;
  }
  if (allowOrigin !== origin) {
    const several = allowOrigin.includes(",");
    const caseOnly = allowOrigin.toLowerCase() === origin.toLowerCase();
    const trailing = allowOrigin.replace(/\/+$/, "") === origin;
    acao(
      "error",
      several
        ? `Several values (${allowOrigin}): the header must hold exactly one origin. Answer with the request's Origin when it is in your allow-list.`
        : `'${allowOrigin}' is not the page's origin '${origin}'${caseOnly ? " (the comparison is case-sensitive)" : trailing ? " (an origin has no trailing slash)" : ""}.`,
    );
    return checks;
  }
  acao("ok", `Names the page's origin ${origin}.`);
  if (!credentials) return checks;
  if (allowCredentials === "true") {
    checks.push({
      header: "Access-Control-Allow-Credentials",
      value: allowCredentials,
      outcome: "ok",
      message: "true: credentials are allowed.",
    });
  } else {
    checks.push({
      header: "Access-Control-Allow-Credentials",
      value: allowCredentials,
      outcome: "error",
      message: `${allowCredentials === null ? "Missing" : `'${allowCredentials}'`}: with credentials the browser needs exactly 'true'.`,
    });
  }
  return checks;
}

export interface PreflightInput {
  method: string;
  /** The headers the page sets on the request (not the preflight's). */
  requestHeaders: HeaderList;
  origin: string;
  credentials: boolean;
  status: number;
  /** The preflight response's headers. */
  headers: HeaderList;
  /** The start of the body, to recognise Convex's own 404. */
  body: string;
  path: string;
}

/** The checks of Fetch's "CORS-preflight fetch" on the preflight's response, header by header. */
export function checkPreflight(input: PreflightInput): HeaderCheck[] {
  const checks: HeaderCheck[] = [];
  const { status, headers, method, origin, credentials } = input;
  if (status === 404 && input.body.startsWith("No matching routes found")) {
    checks.push({
      header: "status",
      value: "404",
      outcome: "error",
      message: `Convex answered 404 "No matching routes found": http.ts has no OPTIONS route for ${input.path}. Add http.route({ path: "${input.path}", method: "OPTIONS", handler: … }) that answers with the CORS headers.`,
    });
  } else if (status >= 300 && status < 400) {
    checks.push({
      header: "status",
      value: String(status),
      outcome: "error",
      message: `A preflight must not redirect (${status}); browsers treat it as a failure.`,
    });
  } else if (status < 200 || status > 299) {
    checks.push({
      header: "status",
      value: String(status),
      outcome: "error",
      message: `The preflight must answer with a 2xx status; ${status} fails it even with the right headers.`,
    });
  } else {
    checks.push({ header: "status", value: String(status), outcome: "ok", message: `${status} is an ok status.` });
  }
  checks.push(...corsCheck(headers, origin, credentials));

  const methodsValue = headerValue(headers, "access-control-allow-methods");
  const methods = parseList(methodsValue);
  const acam = (outcome: Outcome, message: string) =>
    checks.push({ header: "Access-Control-Allow-Methods", value: methodsValue, outcome, message });
  if (methods === "failure") {
    acam("error", "Not a comma-separated list of method names: the browser rejects the preflight.");
  } else if (methods?.includes(method)) {
    acam("ok", `Allows ${method}.`);
  } else if (isSafelistedMethod(method)) {
    acam(
      "ok",
      `${method} is always allowed (CORS-safelisted method)${methods === null ? "" : `; the header is only needed for other methods`}.`,
    );
  } else if (methods?.includes("*") && !credentials) {
    acam("ok", `* allows ${method} (for requests without credentials).`);
  } else {
    const caseHint = methods?.some((m) => m.toUpperCase() === method) ? ` Method names are case-sensitive: write ${method}.` : "";
    const starHint = methods?.includes("*") ? " * does not count with credentials." : "";
    acam(
      "error",
      `${methods === null ? "Missing" : `Does not list ${method}`}: the browser refuses a ${method} request.${caseHint}${starHint}`,
    );
  }

  const headersValue = headerValue(headers, "access-control-allow-headers");
  const allowed = parseList(headersValue);
  const requested = corsUnsafeHeaderNames(input.requestHeaders);
  const acah = (outcome: Outcome, message: string) =>
    checks.push({ header: "Access-Control-Allow-Headers", value: headersValue, outcome, message });
  if (allowed === "failure") {
    acah("error", "Not a comma-separated list of header names: the browser rejects the preflight.");
  } else {
    const lower = (allowed ?? []).map((h) => h.toLowerCase());
    const wildcard = lower.includes("*") && !credentials;
    const missing = requested.filter((name) => !lower.includes(name) && !(wildcard && name !== "authorization"));
    if (requested.length === 0) {
      acah("ok", "The request sends only CORS-safelisted headers; none need allowing.");
    } else if (missing.length === 0) {
      acah("ok", `Allows ${requested.join(", ")}.`);
    } else {
      const authorization =
        missing.includes("authorization") && lower.includes("*") ? " * never covers Authorization: list it by name." : "";
      acah(
        "error",
        `${allowed === null ? "Missing" : `Does not list ${missing.join(", ")}`}: the browser refuses to send ${missing.join(", ")}.${authorization}`,
      );
    }
  }

  const maxAgeValue = headerValue(headers, "access-control-max-age");
  const maxAge = maxAgeValue === null ? null : /^\d+$/.test(maxAgeValue.trim()) ? Number(maxAgeValue.trim()) : NaN;
  const acma = (outcome: Outcome, message: string) =>
    checks.push({ header: "Access-Control-Max-Age", value: maxAgeValue, outcome, message });
  if (maxAge === null) {
    acma(
      "info",
      `Missing: browsers cache this preflight for ${DEFAULT_MAX_AGE_SECONDS} seconds, so most requests pay for an extra OPTIONS round trip.`,
    );
  } else if (Number.isNaN(maxAge)) {
    acma("warning", `Not a number of seconds: browsers use the default of ${DEFAULT_MAX_AGE_SECONDS} seconds.`);
  } else if (maxAge > MAX_AGE_CAPS.chromium) {
    acma(
      "info",
      `${maxAge} s; Chromium caps it at ${MAX_AGE_CAPS.chromium} s (2 h)${maxAge > MAX_AGE_CAPS.firefox ? `, Firefox at ${MAX_AGE_CAPS.firefox} s (24 h)` : ""}.`,
    );
  } else {
    acma("ok", `The preflight is cached for ${maxAge} s.`);
  }
  return checks;
}

export interface ActualInput {
  origin: string;
  credentials: boolean;
  status: number;
  headers: HeaderList;
}

/** The CORS check of the real response, plus what a page can and cannot read from it. */
export function checkActualResponse(input: ActualInput): HeaderCheck[] {
  const checks = corsCheck(input.headers, input.origin, input.credentials);
  const allowOrigin = headerValue(input.headers, "access-control-allow-origin");
  if (allowOrigin === null && input.status >= 400) {
    checks.push({
      header: "status",
      value: String(input.status),
      outcome: "info",
      message: `The response is a ${input.status} without CORS headers: the page sees a CORS error (a failed fetch), not the ${input.status}. Add the CORS headers to error responses too if the page should read them.`,
    });
  }
  if (allowOrigin !== null && allowOrigin !== "*") {
    const vary = headerValue(input.headers, "vary");
    const varies = (vary ?? "").split(",").map((v) => v.trim().toLowerCase());
    if (!varies.includes("origin") && !varies.includes("*")) {
      checks.push({
        header: "Vary",
        value: vary,
        outcome: "warning",
        message:
          "No Vary: Origin while Access-Control-Allow-Origin names one origin: a cache (the browser's or a CDN's) may serve this response to a page of another origin, which then fails.",
      });
    } else {
      checks.push({ header: "Vary", value: vary, outcome: "ok", message: "Varies by Origin." });
    }
  }
  if (allowOrigin !== null) {
    const exposeValue = headerValue(input.headers, "access-control-expose-headers");
    const exposed = parseList(exposeValue);
    const list = exposed === "failure" || exposed === null ? [] : exposed.map((h) => h.toLowerCase());
    const all = list.includes("*") && !input.credentials;
    const hidden = [...new Set(input.headers.map(([name]) => name.toLowerCase()))].filter(
      (name) =>
        !SAFELISTED_RESPONSE_HEADERS.includes(name) &&
        !TRANSPORT_HEADERS.includes(name) &&
        !name.startsWith("access-control-") &&
        name !== "vary" &&
        !all &&
        !list.includes(name),
    );
    if (hidden.length > 0) {
      checks.push({
        header: "Access-Control-Expose-Headers",
        value: exposeValue,
        outcome: "info",
        message: `Page scripts cannot read ${hidden.join(", ")} (response.headers.get returns null); list them in Access-Control-Expose-Headers if they should.`,
      });
    }
  }
  return checks;
}

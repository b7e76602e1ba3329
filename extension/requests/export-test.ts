// "Export as test": a request and the response the local runtime gave → a convex-test test file
// that sends the same request with `t.fetch` and checks the same answer. Pure, no vscode.
//
// The test is written the way the convex-test docs write one (vitest, `convexTest(schema,
// modules)`, `import.meta.glob`). What it checks:
// - the status, and the media type when there is one;
// - a JSON body's shape with `toMatchObject`, where values that differ from run to run (`_id`,
//   `_creationTime`, document ids, timestamps, URLs of the local runtime) become `expect.any(…)`;
// - a text body exactly (when short), a binary body's size;
// - a 500 answer with Convex's error body as the error `t.fetch` rejects with (its message):
//   convex-test lets the handler's error through instead of answering 500.
// An `Authorization: Bearer <JWT>` becomes `t.withIdentity(…)` with the token's claims, since
// convex-test does not verify tokens; so does the identity of "Act as a user".
import type { EditableRequest, ResponseView } from "../../webview/protocol/response";
import { hasBody, requestHeaders } from "./request-builder";
import { pathAndQuery, routeSlug } from "./saved-request";

export interface ExportTestInput {
  request: EditableRequest;
  response: Pick<ResponseView, "status" | "url" | "headers" | "body" | "sizeBytes">;
  /** Whether the functions folder has a schema.ts (else `convexTest(undefined, modules)`). */
  hasSchema: boolean;
  /** `import.meta.glob` pattern; convex-test's docs use "./**\/*.ts". */
  moduleGlob?: string;
  /** Who answered, for the header comment: "the local runtime" unless said. */
  answeredBy?: string;
  /** For the header comment. */
  date?: Date;
}

export interface ExportedTest {
  /** `post-postMessage.test.ts`, to write in the functions folder. */
  fileName: string;
  text: string;
}

/** Placeholder in expected values for `expect.any(String)` and friends. */
class AnyOf {
  constructor(readonly type: "String" | "Number") {}
}

const CONVEX_ID = /^[0-9a-z]{31,37}$/;
const LOCAL_URL = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;
const ID_KEY = /(^_id$|Id$|_id$|^id$)/;
const TIME_KEY = /(^_creationTime$|Time$|At$|^timestamp$|^date$|^time$)/i;

/** The value with volatile parts replaced by matchers. */
export function expectedShape(value: unknown, siteOrigin: string | null, key: string | null = null): unknown {
  if (typeof value === "string") {
    if (key !== null && ID_KEY.test(key)) return new AnyOf("String");
    if (CONVEX_ID.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value)) return new AnyOf("String");
    if (LOCAL_URL.test(value) || (siteOrigin !== null && value.includes(siteOrigin))) return new AnyOf("String");
    return value;
  }
  if (typeof value === "number") {
    if (key === "_creationTime" || (key !== null && TIME_KEY.test(key) && value > 1e12)) return new AnyOf("Number");
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => expectedShape(item, siteOrigin, null));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, expectedShape(item, siteOrigin, name)]));
  }
  return value;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A TypeScript expression for a JSON-like value (with matchers), indented from `indent`. */
export function tsLiteral(value: unknown, indent = ""): string {
  if (value instanceof AnyOf) return `expect.any(${value.type})`;
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "string") return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => `${inner}${tsLiteral(item, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([key, item]) => `${inner}${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: ${tsLiteral(item, inner)},`).join("\n")}\n${indent}}`;
}

function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return payload !== null && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** JWT claims → the `UserIdentity` fields convex-test takes (as Convex maps them). */
export function identityFromClaims(claims: Record<string, unknown>): Record<string, unknown> {
  const renamed: Record<string, string> = {
    sub: "subject",
    iss: "issuer",
    given_name: "givenName",
    family_name: "familyName",
    preferred_username: "preferredUsername",
    picture: "pictureUrl",
    email_verified: "emailVerified",
    phone_number: "phoneNumber",
    phone_number_verified: "phoneNumberVerified",
    updated_at: "updatedAt",
  };
  const dropped = new Set(["aud", "exp", "iat", "nbf", "jti", "azp", "kid"]);
  const identity: Record<string, unknown> = {};
  for (const [claim, value] of Object.entries(claims)) {
    if (dropped.has(claim)) continue;
    identity[renamed[claim] ?? claim] = value;
  }
  return identity;
}

/**
 * The message a Convex error body carries: "boom" of "… Server Error: Uncaught Error: boom". For a
 * ConvexError it is the data as JSON, which is also the error's message under convex-test (whose
 * t.fetch leaves `data` serialized, so the message is what compares reliably).
 */
function uncaughtError(body: ResponseView["body"]): { message: string } | null {
  if (body.kind !== "json") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== "object") return null;
  const code = (parsed as { code?: unknown }).code;
  if (typeof code !== "string") return null;
  const match = /Server Error: Uncaught (\w*Error): ([^\n]*)/.exec(code);
  if (!match) return null;
  return { message: match[2]! };
}

/** Lists in an answer usually come from the database. */
function hasArray(value: unknown): boolean {
  if (Array.isArray(value)) return true;
  return value !== null && typeof value === "object" && Object.values(value).some(hasArray);
}

function mediaType(headers: Array<[string, string]>): string | null {
  const value = headers.find(([name]) => name.toLowerCase() === "content-type")?.[1];
  const type = value?.split(";")[0]?.trim().toLowerCase();
  return type ? type : null;
}

export function exportTestFileName(request: Pick<EditableRequest, "method" | "routePath">): string {
  return `${routeSlug(request.method, request.routePath)}.test.ts`;
}

export function generateConvexTest(input: ExportTestInput): ExportedTest {
  const { request, response } = input;
  const target = pathAndQuery(request);
  const key = `${request.method} ${target}`;
  let siteOrigin: string | null;
  try {
    siteOrigin = new URL(response.url).origin;
  } catch {
    siteOrigin = null;
  }

  // The request: headers as sent, minus the token (an identity instead).
  let identity: Record<string, unknown> | null = null;
  let identityNote: string | null = null;
  const headers: Record<string, string> = {};
  for (const [name, value] of requestHeaders(request)) {
    if (name.toLowerCase() === "convex-request-id") continue;
    if (name.toLowerCase() === "authorization") {
      const token = /^\s*Bearer\s+(\S+)\s*$/i.exec(value)?.[1];
      const claims = token ? decodeJwtPayload(token) : null;
      if (claims) identity = identityFromClaims(claims);
      else
        identityNote =
          "The request's Authorization header is not a JWT: set an identity with .withIdentity({ subject: … }) if the handler needs one.";
      continue;
    }
    headers[name] = value;
  }
  if (!identity && request.actAs?.enabled && request.actAs.subject.trim() !== "") {
    const { subject, name, email, claims } = request.actAs;
    let custom: Record<string, unknown> = {};
    try {
      const parsed: unknown = claims.trim() === "" ? {} : JSON.parse(claims);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) custom = parsed as Record<string, unknown>;
    } catch {
      custom = {};
    }
    identity = {
      subject: subject.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(email.trim() ? { email: email.trim() } : {}),
      ...custom,
    };
  }
  const init: string[] = [];
  if (request.method !== "GET") init.push(`method: ${JSON.stringify(request.method)},`);
  if (Object.keys(headers).length > 0) init.push(`headers: ${tsLiteral(headers, "    ")},`);
  if (hasBody(request.method) && request.body !== "") {
    let json: unknown;
    let isJson = false;
    try {
      json = JSON.parse(request.body);
      isJson = true;
    } catch {
      isJson = false;
    }
    init.push(isJson ? `body: JSON.stringify(${tsLiteral(json, "    ")}),` : `body: ${JSON.stringify(request.body)},`);
  }
  const fetchCall = `t.fetch(${JSON.stringify(target)}${init.length > 0 ? `, {\n${init.map((line) => `    ${line}`).join("\n")}\n  }` : ""})`;

  const body: string[] = [];
  const error = response.status >= 500 ? uncaughtError(response.body) : null;
  let usesData = request.method === "GET";
  if (error) {
    body.push(
      `  // The answer was ${response.status} with Convex's error body. convex-test does not turn a`,
      "  // handler's error into a response: t.fetch rejects with the error itself.",
    );
    body.push(`  await expect(${fetchCall}).rejects.toThrow(${JSON.stringify(error.message)});`);
  } else {
    body.push(`  const response = await ${fetchCall};`, `  expect(response.status).toBe(${response.status});`);
    const type = mediaType(response.headers);
    if (type) body.push(`  expect(response.headers.get("content-type")).toContain(${JSON.stringify(type)});`);
    const shown = response.body;
    switch (shown.kind) {
      case "json": {
        const parsed: unknown = JSON.parse(shown.text);
        const shape = expectedShape(parsed, siteOrigin);
        if (hasArray(parsed)) usesData = true;
        const matcher = parsed !== null && typeof parsed === "object" ? "toMatchObject" : "toEqual";
        body.push(`  expect(await response.json()).${matcher}(${tsLiteral(shape, "  ")});`);
        break;
      }
      case "text":
        if (shown.text.length <= 2000 && !(siteOrigin && shown.text.includes(siteOrigin)) && !LOCAL_URL.test(shown.text)) {
          body.push(`  expect(await response.text()).toBe(${JSON.stringify(shown.text)});`);
        } else {
          body.push(`  // The text body (${response.sizeBytes} bytes) is not checked: it is long or names the local runtime's URL.`);
        }
        break;
      case "empty":
        body.push('  expect(await response.text()).toBe("");');
        break;
      case "image":
      case "binary":
        body.push(`  expect((await response.arrayBuffer()).byteLength).toBe(${response.sizeBytes});`);
        break;
    }
  }

  const setup = input.hasSchema ? "convexTest(schema, modules)" : "convexTest(undefined, modules)";
  const testLines = [
    `test(${JSON.stringify(`${key} answers ${response.status}`)}, async () => {`,
    identity ? `  const t = ${setup}.withIdentity(${tsLiteral(identity, "  ")});` : `  const t = ${setup};`,
  ];
  if (identityNote) testLines.push(`  // ${identityNote}`);
  if (usesData) {
    testLines.push(
      "  // convex-test starts from an empty database: if the answer depends on your local data, insert",
      '  // it first, e.g. await t.run((ctx) => ctx.db.insert("messages", { … }));',
    );
  }
  testLines.push(...body, "});");

  const day = (input.date ?? new Date()).toISOString().slice(0, 10);
  const lines = [
    '/// <reference types="vite/client" />',
    `// Generated by Convex Lens on ${day} from ${key} and the ${response.status} it got from ${input.answeredBy ?? "the local runtime"}.`,
    "// Runs with vitest and convex-test: npm install --save-dev convex-test vitest @edge-runtime/vm",
    "// (see https://docs.convex.dev/testing/convex-test for the vitest.config.mts it expects).",
    'import { convexTest } from "convex-test";',
    'import { expect, test } from "vitest";',
    ...(input.hasSchema ? ['import schema from "./schema";'] : []),
    "",
    `const modules = import.meta.glob(${JSON.stringify(input.moduleGlob ?? "./**/*.ts")});`,
    "",
    ...testLines,
    "",
  ];
  return { fileName: exportTestFileName(request), text: lines.join("\n") };
}

// The CORS doctor: Fetch's preflight rules on header lists, then the real exchange against small
// loopback servers answering with various CORS setups, and once against the example app's
// /sendImage route through the real runtime.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { corsUnsafeHeaderNames, isSafelistedRequestHeader, preflightReasons, type HeaderCheck } from "../../extension/cors/cors-check";
import { normalizeOrigin, runCorsDoctor, type CorsReport } from "../../extension/cors/cors-doctor";
import { corsReportMarkdown } from "../../extension/cors/cors-report";
import { startServing, type Serving } from "../../runtime/serve";

const ORIGIN = "http://localhost:5173";

describe("which requests need a preflight (Fetch: CORS-safelisted methods and request-headers)", () => {
  test("safelisted headers and values", () => {
    assert.equal(isSafelistedRequestHeader("Content-Type", "text/plain;charset=utf-8"), true);
    assert.equal(isSafelistedRequestHeader("content-type", "application/json"), false);
    assert.equal(isSafelistedRequestHeader("Accept", "application/json"), true);
    assert.equal(isSafelistedRequestHeader("Accept", "a".repeat(129)), false, "over 128 bytes");
    assert.equal(isSafelistedRequestHeader("Accept-Language", "en-US,en;q=0.9"), true);
    assert.equal(isSafelistedRequestHeader("Content-Language", "en(us)"), false);
    assert.equal(isSafelistedRequestHeader("Range", "bytes=0-99"), true);
    assert.equal(isSafelistedRequestHeader("Authorization", "Bearer x"), false);
  });

  test("unsafe names are lowercase, sorted, once each; over 1024 bytes of safelisted values, those count too", () => {
    assert.deepEqual(
      corsUnsafeHeaderNames([
        ["X-Trace", "1"],
        ["Authorization", "Bearer t"],
        ["Accept", "*/*"],
        ["x-trace", "2"],
      ]),
      ["authorization", "x-trace"],
    );
    const big = Array.from({ length: 9 }, (_, i) => [`Accept${i === 0 ? "" : "-Language"}`, "a".repeat(120)] as [string, string]);
    assert.deepEqual(corsUnsafeHeaderNames(big), ["accept", "accept-language"]);
  });

  test("reasons name the method and each header", () => {
    assert.deepEqual(preflightReasons("GET", [["Accept", "application/json"]]), []);
    assert.deepEqual(
      preflightReasons("PUT", [
        ["Content-Type", "application/json"],
        ["Authorization", "Bearer t"],
      ]),
      [
        "the method PUT is not GET, HEAD or POST",
        "the authorization header is not CORS-safelisted",
        "Content-Type: application/json is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain",
      ],
    );
  });

  test("origins are normalized; a URL with a path is cut to its origin; garbage is refused", () => {
    assert.equal(normalizeOrigin("http://localhost:5173/app/"), "http://localhost:5173");
    assert.equal(normalizeOrigin("https://EXAMPLE.com:443"), "https://example.com");
    assert.throws(() => normalizeOrigin("5173"), /is not an origin/);
    assert.throws(() => normalizeOrigin("localhost:5173"), /has no origin/);
  });
});

type Answer = { status?: number; headers?: Record<string, string | string[]>; body?: string };
interface Seen {
  method: string;
  headers: IncomingHttpHeaders;
}

/** A loopback server: `answer(method)` says what to send back; every request is recorded. */
async function loopback(answer: (method: string) => Answer): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((request, response) => {
    seen.push({ method: request.method ?? "", headers: request.headers });
    request.resume();
    request.on("end", () => {
      const { status = 200, headers = {}, body = "" } = answer(request.method ?? "");
      response.writeHead(status, headers);
      response.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function doctor(
  answer: (method: string) => Answer,
  request: { method?: string; headers?: Array<[string, string]>; credentials?: boolean; origin?: string } = {},
) {
  const server = await loopback(answer);
  try {
    const report = await runCorsDoctor({
      url: server.url,
      method: request.method ?? "POST",
      headers: request.headers ?? [["Content-Type", "application/json"]],
      body: "{}",
      origin: request.origin ?? ORIGIN,
      credentials: request.credentials,
    });
    return { report, seen: server.seen };
  } finally {
    await server.close();
  }
}

const goodPreflight: Answer = {
  status: 204,
  headers: {
    "Access-Control-Allow-Origin": ORIGIN,
    "Access-Control-Allow-Methods": "GET, POST, PUT",
    "Access-Control-Allow-Headers": "Content-Type, Authorization",
    "Access-Control-Max-Age": "600",
  },
};
const goodResponse: Answer = {
  headers: { "Access-Control-Allow-Origin": ORIGIN, Vary: "Origin", "Content-Type": "application/json" },
  body: "{}",
};
const setup = (preflight: Answer, response: Answer) => (method: string) => (method === "OPTIONS" ? preflight : response);

/** "header outcome" for every check that is not ok, preflight then request. */
function problems(report: CorsReport): string[] {
  const list = (checks: HeaderCheck[]) => checks.filter((c) => c.outcome !== "ok").map((c) => `${c.header} ${c.outcome}`);
  return [
    ...list(report.preflight.exchange?.checks ?? []).map((p) => `preflight: ${p}`),
    ...list(report.actual.checks).map((p) => `request: ${p}`),
  ];
}

function check(report: CorsReport, where: "preflight" | "request", header: string): HeaderCheck {
  const checks = where === "preflight" ? (report.preflight.exchange?.checks ?? []) : report.actual.checks;
  const found = checks.find((c) => c.header === header);
  assert.ok(found, `${where} has a check of ${header}`);
  return found;
}

describe("the real preflight and request against loopback servers", () => {
  test("a correct setup: allowed; the preflight asks for the unsafe headers the way a browser does", async () => {
    const { report, seen } = await doctor(setup(goodPreflight, goodResponse), {
      headers: [
        ["Content-Type", "application/json"],
        ["Authorization", "Bearer t"],
      ],
    });
    assert.equal(report.blocked, false, report.summary);
    assert.deepEqual(problems(report), []);
    assert.equal(seen[0]!.method, "OPTIONS");
    assert.equal(seen[0]!.headers.origin, ORIGIN);
    assert.equal(seen[0]!.headers["access-control-request-method"], "POST");
    assert.equal(seen[0]!.headers["access-control-request-headers"], "authorization,content-type");
    assert.equal(seen[0]!.headers.authorization, undefined, "a preflight carries no request headers");
    assert.equal(seen[1]!.method, "POST");
    assert.equal(seen[1]!.headers.origin, ORIGIN);
    assert.equal(seen[1]!.headers.authorization, "Bearer t");
    assert.match(
      report.summary,
      /^A page on http:\/\/localhost:5173 can call POST \/upload and read the response \(after a successful preflight\)\.$/,
    );
  });

  test("a simple GET needs no preflight", async () => {
    const { report, seen } = await doctor(setup(goodPreflight, goodResponse), { method: "GET", headers: [["Accept", "application/json"]] });
    assert.equal(report.preflight.needed, false);
    assert.deepEqual(
      seen.map((s) => s.method),
      ["GET"],
    );
    assert.equal(report.blocked, false);
  });

  test("missing Access-Control-Allow-Origin on the response; an error status without CORS headers", async () => {
    const { report } = await doctor(setup(goodPreflight, { status: 500, body: "boom" }));
    assert.equal(report.blocked, true);
    assert.deepEqual(problems(report), ["request: Access-Control-Allow-Origin error", "request: status info"]);
    assert.match(check(report, "request", "Access-Control-Allow-Origin").message, /^Missing: the browser blocks the response/);
    assert.match(check(report, "request", "status").message, /the page sees a CORS error \(a failed fetch\), not the 500/);
  });

  test("a mismatched origin; a trailing slash; two values", async () => {
    const mismatched = await doctor(
      setup(
        { ...goodPreflight, headers: { ...goodPreflight.headers, "Access-Control-Allow-Origin": "http://localhost:3000" } },
        goodResponse,
      ),
    );
    assert.deepEqual(problems(mismatched.report), ["preflight: Access-Control-Allow-Origin error"]);
    assert.equal(
      check(mismatched.report, "preflight", "Access-Control-Allow-Origin").message,
      "'http://localhost:3000' is not the page's origin 'http://localhost:5173'.",
    );
    const slash = await doctor(setup(goodPreflight, { headers: { "Access-Control-Allow-Origin": `${ORIGIN}/`, Vary: "Origin" } }));
    assert.match(check(slash.report, "request", "Access-Control-Allow-Origin").message, /\(an origin has no trailing slash\)/);
    const two = await doctor(
      setup(goodPreflight, { headers: { "Access-Control-Allow-Origin": [ORIGIN, "http://other.test"], Vary: "Origin" } }),
    );
    assert.match(check(two.report, "request", "Access-Control-Allow-Origin").message, /^Several values/);
  });

  test("* is fine without credentials, refused with them (and said so either way)", async () => {
    const star: Answer = { status: 204, headers: { ...goodPreflight.headers, "Access-Control-Allow-Origin": "*" } };
    const starResponse: Answer = { headers: { "Access-Control-Allow-Origin": "*" } };
    const plain = await doctor(setup(star, starResponse));
    assert.equal(plain.report.blocked, false);
    assert.ok(plain.report.withCredentials.some((line) => /\* is not allowed with credentials/.test(line)));
    const credentialed = await doctor(setup(star, starResponse), { credentials: true });
    assert.equal(credentialed.report.blocked, true);
    assert.deepEqual(problems(credentialed.report), [
      "preflight: Access-Control-Allow-Origin error",
      "request: Access-Control-Allow-Origin error",
    ]);
    const echoed = await doctor(
      setup({ status: 204, headers: { ...goodPreflight.headers, "Access-Control-Allow-Credentials": "true" } }, goodResponse),
      { credentials: true },
    );
    assert.deepEqual(problems(echoed.report), ["request: Access-Control-Allow-Credentials error"]);
  });

  test("a method not in Access-Control-Allow-Methods (case-sensitive)", async () => {
    const { report } = await doctor(
      setup({ status: 204, headers: { ...goodPreflight.headers, "Access-Control-Allow-Methods": "get, post, delete" } }, goodResponse),
      { method: "DELETE" },
    );
    assert.deepEqual(problems(report), ["preflight: Access-Control-Allow-Methods error"]);
    assert.equal(
      check(report, "preflight", "Access-Control-Allow-Methods").message,
      "Does not list DELETE: the browser refuses a DELETE request. Method names are case-sensitive: write DELETE.",
    );
  });

  test("request headers not allowed; * never covers Authorization", async () => {
    const narrow = await doctor(
      setup({ status: 204, headers: { ...goodPreflight.headers, "Access-Control-Allow-Headers": "content-type" } }, goodResponse),
      {
        headers: [
          ["Content-Type", "application/json"],
          ["X-Trace", "1"],
        ],
      },
    );
    assert.equal(
      check(narrow.report, "preflight", "Access-Control-Allow-Headers").message,
      "Does not list x-trace: the browser refuses to send x-trace.",
    );
    const star = await doctor(
      setup({ status: 204, headers: { ...goodPreflight.headers, "Access-Control-Allow-Headers": "*" } }, goodResponse),
      {
        headers: [
          ["Content-Type", "application/json"],
          ["Authorization", "Bearer t"],
        ],
      },
    );
    assert.match(
      check(star.report, "preflight", "Access-Control-Allow-Headers").message,
      /Does not list authorization.*\* never covers Authorization/,
    );
  });

  test("no Vary: Origin with a specific origin is a warning, not a refusal", async () => {
    const { report } = await doctor(setup(goodPreflight, { headers: { "Access-Control-Allow-Origin": ORIGIN, "X-Request-Id": "7" } }));
    assert.equal(report.blocked, false);
    assert.deepEqual(problems(report), ["request: Vary warning", "request: Access-Control-Expose-Headers info"]);
    assert.match(check(report, "request", "Access-Control-Expose-Headers").message, /cannot read x-request-id/);
  });

  test("Convex's 404 for a missing OPTIONS route; a missing and a too long Max-Age", async () => {
    const { report } = await doctor(
      setup({ status: 404, headers: { "Content-Type": "text/plain" }, body: "No matching routes found" }, goodResponse),
    );
    assert.equal(report.blocked, true);
    assert.match(
      check(report, "preflight", "status").message,
      /^Convex answered 404 "No matching routes found": http\.ts has no OPTIONS route for \/upload\. Add http\.route\(\{ path: "\/upload", method: "OPTIONS"/,
    );
    assert.equal(check(report, "preflight", "Access-Control-Max-Age").outcome, "info");
    const long = await doctor(
      setup({ status: 204, headers: { ...goodPreflight.headers, "Access-Control-Max-Age": "86400" } }, goodResponse),
    );
    assert.equal(check(long.report, "preflight", "Access-Control-Max-Age").message, "86400 s; Chromium caps it at 7200 s (2 h).");
  });

  test("the Markdown report: verdict, what was sent, a row per header", async () => {
    const { report } = await doctor(setup(goodPreflight, { headers: { "Access-Control-Allow-Origin": "http://x.test|y" } }));
    const markdown = corsReportMarkdown(report, "POST /upload");
    assert.match(markdown, /^# CORS doctor: POST \/upload\n/);
    assert.match(markdown, /## ❌ Blocked/);
    assert.match(markdown, /\| Access-Control-Allow-Origin \| `http:\/\/x\.test\\\|y` \| ❌ refused \|/);
    assert.match(
      markdown,
      /```http\nOrigin: http:\/\/localhost:5173\nAccess-Control-Request-Method: POST\nAccess-Control-Request-Headers: content-type\n```/,
    );
  });
});

describe("the example app's /sendImage through the real runtime", () => {
  let serving: Serving;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "convex-lens-cors-"));
    serving = await startServing({ projectDir: resolve(__dirname, "..", "..", "examples", "chat"), dataDir, port: 0, apiPort: 0, env: {} });
  });
  after(async () => {
    await serving?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("its OPTIONS route answers the preflight; the POST names the origin and varies by it", async () => {
    const report = await runCorsDoctor({
      url: `${serving.site.url}/sendImage?author=ada`,
      method: "POST",
      headers: [["Content-Type", "image/png"]],
      body: "not really a png",
      origin: ORIGIN,
    });
    assert.equal(report.blocked, false, report.summary);
    assert.deepEqual(report.preflight.reasons, [
      "Content-Type: image/png is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain",
    ]);
    assert.equal(report.preflight.exchange?.status, 200);
    assert.deepEqual(problems(report), ["preflight: Access-Control-Max-Age info"]);
    assert.equal(report.actual.status, 200);
    assert.equal(check(report, "request", "Vary").outcome, "ok");
  });

  test("another origin is refused, and a route without OPTIONS gets Convex's 404 preflight", async () => {
    const other = await runCorsDoctor({
      url: `${serving.site.url}/sendImage`,
      method: "POST",
      headers: [["Content-Type", "image/png"]],
      body: "x",
      origin: "http://localhost:3000",
    });
    assert.equal(other.blocked, true);
    assert.equal(
      check(other, "preflight", "Access-Control-Allow-Origin").message,
      "'http://localhost:5173' is not the page's origin 'http://localhost:3000'.",
    );
    const noOptions = await runCorsDoctor({
      url: `${serving.site.url}/postMessage`,
      method: "POST",
      headers: [["Content-Type", "application/json"]],
      body: '{"author":"ada","body":"cors"}',
      origin: ORIGIN,
    });
    assert.equal(noOptions.blocked, true);
    assert.equal(noOptions.preflight.exchange?.status, 404);
    assert.match(check(noOptions, "preflight", "status").message, /http\.ts has no OPTIONS route for \/postMessage/);
  });
});

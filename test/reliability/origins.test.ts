// What a web page can do to a running `convex-lens serve` on 127.0.0.1. Browsers reach loopback:
// a page on evil.example whose name is rebound to 127.0.0.1 (DNS rebinding) talks to our ports as
// its own origin and sends `Host: evil.example`; any page can send a "simple" cross-site request
// (text/plain, form bodies) that needs no preflight. Both origins refuse a Host that is not a
// loopback name with their port; the function API takes JSON only (which forces a preflight) and
// answers CORS for loopback pages only, unless --allow-host / --allow-origin say otherwise. HTTP
// actions keep full control over their own CORS. Real serve processes, real sockets, forged
// Host and Origin headers.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { DEV_JWKS_PATH } from "../../runtime/auth/dev-issuer";
import { serveFixture } from "../helpers/serve-fixture";
import { recordFigures, Tally } from "./figures";
import { copyFixture, loopbackHost, rawRequest, startServe, valueOfCall, type ServeChild } from "./support";

const tally = new Tally();
const project = copyFixture("faults-app");
const widenedProject = copyFixture("faults-app");
const root = mkdtempSync(join(tmpdir(), "convex-lens-origins-"));
let child: ServeChild;
let widenedStart: Promise<ServeChild> | null = null;

/** A second server, started with --allow-host and --allow-origin when a test first needs it. */
function widenedServer(): Promise<ServeChild> {
  widenedStart ??= startServe(widenedProject, join(root, "widened"), [
    "--allow-host",
    "tunnel.example",
    "--allow-host",
    ".tunnels.example",
    "--allow-origin",
    "https://app.example",
  ]);
  return widenedStart;
}

before(async () => {
  child = await startServe(project, join(root, "data"));
});

after(async () => {
  if (child) assert.equal(await child.stop(), 0);
  const second = await widenedStart?.catch(() => null);
  if (second) assert.equal(await second.stop(), 0);
  rmSync(project, { recursive: true, force: true });
  rmSync(widenedProject, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
  await recordFigures("origins", {
    title: "DNS rebinding and cross-site requests from web pages: refused on both origins, nothing runs",
    tally,
  });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly the Host (and other headers) given, as a browser or a proxy would send it. */
function send(
  port: number,
  options: { method?: string; path: string; host: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  tally.requestsSent++;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: "127.0.0.1",
        port,
        method: options.method ?? "GET",
        path: options.path,
        agent: false,
        headers: { host: options.host, ...options.headers },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () =>
          resolve({ status: incoming.statusCode!, headers: incoming.headers, body: Buffer.concat(chunks).toString() }),
        );
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

const json = { "content-type": "application/json" };
const call = (path: string, args: Record<string, unknown>) => JSON.stringify({ path, args, format: "json" });

/** What a browser sends before a cross-origin POST with JSON (and other non-safelisted headers). */
function preflight(target: ServeChild, path: string, origin: string, requestHeaders = "content-type"): Promise<Answer> {
  return send(target.apiPort, {
    method: "OPTIONS",
    path,
    host: loopbackHost(target.apiPort),
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": requestHeaders },
  });
}

async function writeCount(target: ServeChild): Promise<number> {
  return (await valueOfCall<unknown[]>(target.api, "query", "writes:all")).length;
}

describe("DNS rebinding: both origins answer only to the loopback names with their own port", () => {
  test("Host: evil.example is refused on the site origin and the function API; no write, no read", async () => {
    const before = await writeCount(child);
    for (const host of ["evil.example", `evil.example:${child.sitePort}`]) {
      tally.inputsTried++;
      const health = await send(child.sitePort, { path: "/healthy", host });
      assert.equal(health.status, 403, `site GET /healthy with Host ${host}: ${health.body}`);
      assert.match(health.body, /Host/);
      assert.match(health.body, new RegExp(`127\\.0\\.0\\.1:${child.sitePort}`), "the body names the hosts it answers to");
      assert.match(health.body, /--allow-host/, "the body says how to allow a name");
      const write = await send(child.sitePort, {
        method: "POST",
        path: "/write",
        host,
        headers: json,
        body: JSON.stringify({ round: 1, seq: 1, value: "rebound" }),
      });
      assert.equal(write.status, 403, `site POST /write with Host ${host}`);
    }
    for (const host of ["evil.example", `evil.example:${child.apiPort}`]) {
      tally.inputsTried++;
      const mutation = await send(child.apiPort, {
        method: "POST",
        path: "/api/mutation",
        host,
        headers: json,
        body: call("writes:put", { round: 1, seq: 2, value: "rebound" }),
      });
      assert.equal(mutation.status, 403, `POST /api/mutation with Host ${host}: ${mutation.body}`);
      const query = await send(child.apiPort, { method: "POST", path: "/api/query", host, headers: json, body: call("writes:all", {}) });
      assert.equal(query.status, 403, `POST /api/query with Host ${host}`);
      assert.doesNotMatch(query.body, /"status"/, "no query result in the refusal");
      const run = await send(child.apiPort, {
        method: "POST",
        path: "/api/run/writes/put",
        host,
        headers: json,
        body: JSON.stringify({ args: { round: 1, seq: 3, value: "rebound" } }),
      });
      assert.equal(run.status, 403, `POST /api/run with Host ${host}`);
    }
    const after = await writeCount(child);
    tally.notes.push(
      `Host: evil.example on both origins (HTTP action, /api/mutation, /api/query, /api/run): ${after - before} writes went through`,
    );
    assert.equal(after, before, "no write went through");
  });

  test("the dev issuer's JWKS refuses Host: evil.example and answers its own address", async () => {
    const server = await serveFixture("faults-app", { devIssuer: true });
    try {
      const port = server.api.port;
      tally.inputsTried++;
      const refused = await send(port, { path: DEV_JWKS_PATH, host: "evil.example" });
      assert.equal(refused.status, 403, refused.body);
      assert.doesNotMatch(refused.body, /"keys"/);
      const served = await send(port, { path: DEV_JWKS_PATH, host: loopbackHost(port) });
      assert.equal(served.status, 200);
      assert.ok(Array.isArray((JSON.parse(served.body) as { keys: unknown[] }).keys));
    } finally {
      await server.stop();
    }
  });

  test("hostile spellings of a loopback Host are refused, the loopback names with the right port are served", async () => {
    let refusedCount = 0;
    let servedCount = 0;
    for (const [port, path, expected] of [
      [child.sitePort, "/healthy", "healthy"],
      [child.apiPort, "/api/storage/nope", "InvalidStoragePath"],
    ] as const) {
      const other = port === child.sitePort ? child.apiPort : child.sitePort;
      const refused = [
        "127.0.0.1", // no port: port 80
        "localhost",
        `127.0.0.1:${other}`,
        `localhost:${other}`,
        `[::1]:${other}`,
        `localhost.:${port}`,
        `127.0.0.1.evil.example:${port}`,
        `localhost.evil.example:${port}`,
        `evil.localhost.example:${port}`,
        `0.0.0.0:${port}`,
        `127.0.0.2:${port}`,
        `2130706433:${port}`,
        `tunnel.example:${port}`, // allowed on the other server only
      ];
      for (const host of refused) {
        tally.inputsTried++;
        const answer = await send(port, { path, host });
        assert.equal(answer.status, 403, `Host ${host} on port ${port}: ${answer.status} ${answer.body}`);
        assert.ok(!answer.body.includes(expected), `Host ${host} reached the route`);
        refusedCount++;
      }
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`]) {
        tally.inputsTried++;
        const answer = await send(port, { path, host });
        assert.ok(answer.body.includes(expected), `Host ${host} on port ${port}: ${answer.status} ${answer.body}`);
        servedCount++;
      }
      // Two Host headers (one of them good) are a malformed request, not a loopback one.
      tally.inputsTried++;
      const twice = await rawRequest(
        port,
        `GET ${path} HTTP/1.1\r\nHost: ${loopbackHost(port)}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
      );
      tally.requestsSent++;
      assert.equal(twice.status, 400, twice.head);
      // No Host at all (HTTP/1.0): no browser sends that, so it cannot be a rebound page.
      tally.inputsTried++;
      const hostless = await rawRequest(port, `GET ${path} HTTP/1.0\r\n\r\n`);
      tally.requestsSent++;
      assert.ok(hostless.body.toString().includes(expected), `HTTP/1.0 without Host: ${hostless.head}`);
    }
    tally.notes.push(
      `Host spellings on both origins: ${refusedCount} refused with 403, ${servedCount} loopback ones served; a doubled Host is a 400`,
    );
  });

  test("--allow-host adds names (and, with a leading dot, their subdomains) for a tunnel or proxy, on any port", async () => {
    const widened = await widenedServer();
    for (const port of [widened.sitePort, widened.apiPort]) {
      const path = port === widened.sitePort ? "/healthy" : "/api/storage/nope";
      for (const host of [
        "tunnel.example",
        "tunnel.example:443",
        "TUNNEL.example",
        "abc.tunnels.example",
        "tunnels.example:8080",
        `127.0.0.1:${port}`,
      ]) {
        tally.inputsTried++;
        const answer = await send(port, { path, host });
        assert.notEqual(answer.status, 403, `Host ${host}: ${answer.body}`);
      }
      for (const host of ["evil.example", "tunnel.example.evil.example", "eviltunnels.example", "xtunnel.example"]) {
        tally.inputsTried++;
        assert.equal((await send(port, { path, host })).status, 403, `Host ${host}`);
      }
    }
  });
});

describe("cross-site requests: the function API takes JSON, and CORS only from loopback pages", () => {
  test("a text/plain POST from another origin runs no mutation (it ran and committed)", async () => {
    const before = await valueOfCall<number>(child.api, "query", "writes:counter", { name: "cross-site" });
    const host = loopbackHost(child.apiPort);
    const attacks: Array<[string, Record<string, string>, string, string]> = [
      [
        "/api/mutation",
        { "content-type": "text/plain", origin: "https://evil.example" },
        call("writes:bump", { name: "cross-site" }),
        "text/plain from evil.example",
      ],
      [
        "/api/run/writes/bump",
        { "content-type": "text/plain;charset=UTF-8", origin: "https://evil.example" },
        JSON.stringify({ args: { name: "cross-site" } }),
        "text/plain to /api/run",
      ],
      ["/api/mutation", { "content-type": "text/plain" }, call("writes:bump", { name: "cross-site" }), "text/plain without Origin"],
      [
        "/api/mutation",
        { "content-type": "application/x-www-form-urlencoded" },
        call("writes:bump", { name: "cross-site" }),
        "a form body",
      ],
      [
        "/api/mutation",
        { "content-type": "multipart/form-data; boundary=x" },
        call("writes:bump", { name: "cross-site" }),
        "a multipart body",
      ],
      ["/api/mutation", {}, call("writes:bump", { name: "cross-site" }), "no content type"],
      [
        "/api/action",
        { "content-type": "text/plain", origin: "http://localhost:5173" },
        call("faults:ok", {}),
        "text/plain from a loopback page",
      ],
      ["/api/run/files/uploadUrl", {}, "", "an empty body without content type"],
    ];
    for (const [path, headers, body, what] of attacks) {
      tally.inputsTried++;
      const answer = await send(child.apiPort, { method: "POST", path, host, headers, body });
      assert.ok([403, 415].includes(answer.status), `${what}: ${answer.status} ${answer.body}`);
      assert.doesNotMatch(answer.body, /"status":"success"/, `${what} ran`);
    }
    // Without a foreign Origin, the refusal is the content type's, and it says what to send.
    const plain = await send(child.apiPort, {
      method: "POST",
      path: "/api/mutation",
      host,
      headers: { "content-type": "text/plain" },
      body: call("writes:bump", { name: "cross-site" }),
    });
    assert.equal(plain.status, 415);
    assert.match(plain.body, /application\/json/);
    const committed = (await valueOfCall<number>(child.api, "query", "writes:counter", { name: "cross-site" })) - before;
    tally.notes.push(
      `${attacks.length} cross-site posts without a JSON content type (text/plain, form, multipart, none): ${committed} committed`,
    );
    assert.equal(committed, 0, "no attack committed");
    // What ConvexHttpClient sends is still served, with or without a charset.
    for (const type of ["application/json", "application/json; charset=utf-8"]) {
      const ok = await send(child.apiPort, {
        method: "POST",
        path: "/api/query",
        host,
        headers: { "content-type": type },
        body: call("faults:ok", {}),
      });
      assert.equal(ok.status, 200, `${type}: ${ok.body}`);
    }
  });

  test("ConvexHttpClient works unchanged", async () => {
    const client = new ConvexHttpClient(child.api);
    tally.requestsSent += 2;
    assert.equal(await client.query(makeFunctionReference<"query", Record<string, never>, string>("faults:ok"), {}), "fine");
    const bump = makeFunctionReference<"mutation", { name: string }, number>("writes:bump");
    assert.equal(typeof (await client.mutation(bump, { name: "client" })), "number");
  });

  test("a page on a loopback origin gets the local backend's CORS answers on /api/*", async () => {
    const host = loopbackHost(child.apiPort);
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:3000", "http://[::1]:8080", "https://localhost"]) {
      tally.inputsTried++;
      const asked = await preflight(child, "/api/mutation", origin, "authorization,content-type");
      assert.equal(asked.status, 200, `preflight from ${origin}: ${asked.body}`);
      assert.equal(asked.headers["access-control-allow-origin"], origin);
      assert.equal(asked.headers["access-control-allow-credentials"], "true");
      assert.match(String(asked.headers["access-control-allow-methods"]), /\bPOST\b/);
      assert.equal(asked.headers["access-control-allow-headers"], "authorization,content-type");
      assert.equal(asked.headers["access-control-max-age"], "86400");
      const actual = await send(child.apiPort, {
        method: "POST",
        path: "/api/query",
        host,
        headers: { ...json, origin },
        body: call("faults:ok", {}),
      });
      assert.equal(actual.status, 200, actual.body);
      assert.equal(actual.headers["access-control-allow-origin"], origin);
      assert.match(String(actual.headers.vary), /origin/i);
    }
  });

  test("a page on another origin is refused on /api/*: preflight, function call and upload; nothing runs", async () => {
    const host = loopbackHost(child.apiPort);
    const before = await valueOfCall<number>(child.api, "query", "writes:counter", { name: "foreign" });
    const uploadUrl = new URL(await valueOfCall<string>(child.api, "mutation", "files:uploadUrl"));
    const origins = [
      "https://evil.example",
      "null",
      "http://localhost.evil.example",
      "http://127.0.0.1.evil.example:5173",
      "chrome-extension://abc",
      "https://app.example",
    ];
    for (const origin of origins) {
      tally.inputsTried++;
      const asked = await preflight(child, "/api/mutation", origin);
      assert.equal(asked.status, 403, `preflight from ${origin}`);
      assert.equal(asked.headers["access-control-allow-origin"], undefined);
      assert.match(asked.body, /--allow-origin/, "the refusal says how to allow the page");
      const mutation = await send(child.apiPort, {
        method: "POST",
        path: "/api/mutation",
        host,
        headers: { ...json, origin },
        body: call("writes:bump", { name: "foreign" }),
      });
      assert.equal(mutation.status, 403, `POST /api/mutation from ${origin}: ${mutation.body}`);
      assert.equal(mutation.headers["access-control-allow-origin"], undefined);
      const upload = await send(child.apiPort, {
        method: "POST",
        path: `${uploadUrl.pathname}${uploadUrl.search}`,
        host,
        headers: { "content-type": "text/plain", origin },
        body: "planted",
      });
      assert.equal(upload.status, 403, `upload from ${origin}: ${upload.body}`);
    }
    const committed = (await valueOfCall<number>(child.api, "query", "writes:counter", { name: "foreign" })) - before;
    tally.notes.push(`pages on ${origins.length} foreign origins (preflight, JSON call, upload): ${committed} calls committed`);
    assert.equal(committed, 0);
  });

  test("--allow-origin widens CORS on /api/* to the named origin; others stay refused", async () => {
    const widened = await widenedServer();
    tally.inputsTried += 3;
    const allowed = await preflight(widened, "/api/query", "https://app.example");
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers["access-control-allow-origin"], "https://app.example");
    assert.equal(
      (await preflight(widened, "/api/query", "http://localhost:5173")).headers["access-control-allow-origin"],
      "http://localhost:5173",
      "loopback pages still work",
    );
    assert.equal((await preflight(widened, "/api/query", "https://evil.example")).status, 403);
  });

  test("the site origin leaves CORS to the project's HTTP actions: any Origin reaches the handler, no CORS header is added", async () => {
    const host = loopbackHost(child.sitePort);
    for (const origin of ["https://evil.example", "http://localhost:5173"]) {
      tally.inputsTried++;
      const echo = await send(child.sitePort, {
        method: "POST",
        path: "/echo/cors",
        host,
        headers: { "content-type": "text/plain", origin },
        body: "hello",
      });
      assert.equal(echo.status, 200, echo.body);
      assert.equal((JSON.parse(echo.body) as { bytes: number }).bytes, 5);
      assert.equal(echo.headers["access-control-allow-origin"], undefined);
      const preflight = await send(child.sitePort, {
        method: "OPTIONS",
        path: "/echo/cors",
        host,
        headers: { origin, "access-control-request-method": "POST" },
      });
      assert.equal(preflight.status, 404, "no OPTIONS route: the backend's 404");
      assert.equal(preflight.body, "No matching routes found");
    }
  });
});

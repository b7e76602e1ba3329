// The site origin answers like the Convex backend: routing, 404/500 bodies, HEAD, body rules,
// streaming, request.url, size limits, and no CORS headers of its own. Real HTTP on 127.0.0.1.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { poll } from "../reliability/support";

let server: FixtureServer;

before(async () => {
  server = await serveFixture("basic", { env: { CUSTOM_VAR: "from env file" } });
});
after(async () => {
  await server.stop();
});

describe("routing", () => {
  test("an exact path wins over a prefix that also matches", async () => {
    const response = await server.get("/files/exact");
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "exact");
  });

  test("the longest matching prefix wins", async () => {
    assert.equal(await (await server.get("/files/special/a.txt")).text(), "long prefix /files/special/a.txt");
    assert.equal(await (await server.get("/files/other/a.txt")).text(), "short prefix /files/other/a.txt");
  });

  test("a path is matched exactly: a trailing slash is another path", async () => {
    const response = await server.get("/echo/");
    assert.equal(response.status, 404);
    assert.equal(await response.text(), "No matching routes found");
  });

  test("an unknown path gets the backend's 404", async () => {
    const response = await server.get("/nowhere");
    assert.equal(response.status, 404);
    assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(await response.text(), "No matching routes found");
  });

  test("a known path with an unrouted method gets the same 404", async () => {
    const response = await server.get("/files/exact", { method: "DELETE" });
    assert.equal(response.status, 404);
    assert.equal(await response.text(), "No matching routes found");
  });
});

describe("requests", () => {
  test("request.url is the site origin with the original path and query", async () => {
    const response = await server.get("/echo?q=1&r=%20x");
    const echoed = (await response.json()) as { url: string };
    assert.equal(echoed.url, `${server.site.url}/echo?q=1&r=%20x`);
  });

  test("headers reach the handler and POST bodies arrive whole", async () => {
    const response = await server.get("/echo", { method: "POST", body: "payload", headers: { "x-test": "yes" } });
    const echoed = (await response.json()) as { method: string; body: string; header: string };
    assert.deepEqual([echoed.method, echoed.body, echoed.header], ["POST", "payload", "yes"]);
  });

  test("GET and OPTIONS bodies are dropped before the handler sees them", async () => {
    for (const method of ["GET", "OPTIONS"]) {
      const status = await rawRequest(server.site.port, method, "/echo", "sneaky body");
      const echoed = JSON.parse(status.body) as { method: string; body: string | null };
      assert.equal(echoed.method, method);
      assert.equal(echoed.body, null, `${method} body must be dropped`);
    }
  });

  test("HEAD runs the GET route and returns no body", async () => {
    const response = await server.get("/echo", { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(await response.text(), "");
  });

  test("no CORS headers are added by the runtime", async () => {
    const response = await server.get("/echo", { headers: { origin: "http://example.com" } });
    for (const name of response.headers.keys()) assert.ok(!name.startsWith("access-control-"), `unexpected ${name}`);
    await response.arrayBuffer();
  });

  test("process.env has the env file's variables and both local origins", async () => {
    const echoed = (await (await server.get("/echo")).json()) as { env: Record<string, string> };
    assert.deepEqual(echoed.env, { site: server.site.url, cloud: server.api.url, custom: "from env file" });
  });

  test("a body over 20 MiB gets 413 and the server keeps serving", async () => {
    const big = new Uint8Array(20 * 1024 * 1024 + 1);
    const response = await server.get("/size", { method: "POST", body: big });
    assert.equal(response.status, 413);
    await response.arrayBuffer();
    const ok = await server.get("/size", { method: "POST", body: new Uint8Array(1024) });
    assert.equal(await ok.text(), "1024");
  });

  test("a body of exactly 20 MiB is accepted", async () => {
    const response = await server.get("/size", { method: "POST", body: new Uint8Array(20 * 1024 * 1024) });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), String(20 * 1024 * 1024));
  });
});

describe("errors", () => {
  test("an uncaught error is a 500 with the backend's JSON body", async () => {
    const response = await server.get("/boom", { headers: { "convex-request-id": "req-fixed-1" } });
    assert.equal(response.status, 500);
    assert.equal(response.headers.get("content-type"), "application/json");
    const body = (await response.json()) as { code: string; trace: string; data?: unknown };
    assert.equal(body.code, "[Request ID: req-fixed-1] Server Error: Uncaught Error: boom");
    assert.match(body.trace, /^Uncaught Error: boom\n {4}at .*\.\.\/convex\/http\.ts:\d+:\d+/);
    assert.equal("data" in body, false);
  });

  test("a ConvexError's data is in the body", async () => {
    const response = await server.get("/convex-error");
    assert.equal(response.status, 500);
    const body = (await response.json()) as { code: string; data: unknown };
    assert.match(body.code, /Server Error: Uncaught ConvexError: /);
    assert.deepEqual(body.data, { reason: "not allowed", code: 7 });
  });

  test("returning something that is not a Response is a 500", async () => {
    const response = await server.get("/not-a-response");
    assert.equal(response.status, 500);
    const body = (await response.json()) as { code: string };
    assert.match(body.code, /Server Error: Uncaught .*must return a Response/);
  });
});

describe("Response as the backend builds it", () => {
  test("a body given with 204, 205 or 304 is accepted, as the backend's Response does, and not sent", async () => {
    for (const status of [204, 205, 304]) {
      for (const json of [false, true]) {
        const response = await server.get(`/no-content?status=${status}${json ? "&json" : ""}`);
        assert.equal(response.status, status, `status ${status}${json ? " (Response.json)" : ""}`);
        assert.equal(response.headers.get("x-kept"), "yes");
        assert.equal(await response.text(), "");
      }
    }
  });

  test("a body made from a string, JSON, bytes, an ArrayBuffer, a Blob, URLSearchParams or with a clone arrives whole, with its length", async () => {
    const expected = new Map([
      ["string", "héllo ✓"],
      ["json", '"héllo ✓"'],
      ["bytes", "héllo ✓"],
      ["arraybuffer", "héllo ✓"],
      ["blob", "héllo ✓"],
      ["params", "text=h%C3%A9llo+%E2%9C%93"],
      ["clone", "héllo ✓"],
      ["after-source-changed", "héllo ✓"],
    ]);
    for (const [kind, body] of expected) {
      const response = await server.get(`/with-body?kind=${kind}`, { headers: { "convex-request-id": `req-body-${kind}` } });
      assert.equal(response.status, 200, kind);
      assert.equal(await response.text(), body, kind);
      assert.equal(response.headers.get("content-length"), String(new TextEncoder().encode(body).byteLength), kind);
    }
    // The clone, read after the original was answered, still had the whole body.
    const cloneLine = await poll(
      () => server.runtime.logs.queryLines({ requestId: "req-body-clone", limit: 10 })[0],
      "the clone's log line",
    );
    assert.equal(cloneLine.message, "'clone read: héllo ✓'");
  });

  test("what fetch() returns is a Response an HTTP action may return as it is", async () => {
    const response = await server.get("/proxied");
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "exact");
  });
});

test("responses stream: the first chunk arrives before the handler finishes", async () => {
  const started = Date.now();
  const response = await server.get("/stream");
  const reader = response.body!.getReader();
  const first = await reader.read();
  const firstAt = Date.now() - started;
  assert.equal(new TextDecoder().decode(first.value), "chunk1\n");
  let rest = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += new TextDecoder().decode(value);
  }
  const totalAt = Date.now() - started;
  assert.equal(rest, "chunk2\nchunk3\n");
  assert.ok(totalAt - firstAt >= 250, `chunks must arrive apart (first at ${firstAt} ms, end at ${totalAt} ms)`);
});

test("a project without http.ts answers every request with the backend's 404", async () => {
  const noHttp = await serveFixture("no-http");
  try {
    const response = await noHttp.get("/anything");
    assert.equal(response.status, 404);
    assert.equal(await response.text(), "This Convex deployment does not have HTTP actions enabled.");
  } finally {
    await noHttp.stop();
  }
});

/** node:http, because fetch refuses to send a body with GET. */
function rawRequest(port: number, method: string, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: { "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

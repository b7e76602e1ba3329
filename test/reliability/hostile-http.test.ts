// Hostile HTTP against both origins of a real `convex-lens serve`, on raw sockets so that nothing
// is normalized on the way: malformed request lines and framing, header floods, slow heads and
// slow bodies (other clients must be served meanwhile), oversized bodies, and `..` in every
// spelling in storage ids and paths. No crash, no file outside the data folder read, the right
// status codes; the server serves normally afterwards. Requests meant to be served carry a loopback
// Host with the right port (both origins refuse any other: origins.test.ts); requests the HTTP
// parser rejects first keep a bogus one.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, maxHeaderSize } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordFigures, Tally } from "./figures";
import {
  assertServing,
  copyFixture,
  delay,
  hostHeader,
  rawRequest,
  startServe,
  valueOfCall,
  type RawResponse,
  type ServeChild,
} from "./support";

const tally = new Tally();
const project = copyFixture("faults-app");
const root = mkdtempSync(join(tmpdir(), "convex-lens-hostile-"));
const dataDir = join(root, "data");
const SECRET = `top-secret-${process.pid}-${Date.now()}`;
let child: ServeChild;
let storedId: string;
const storedBytes = Buffer.from("the one stored file\n");

before(async () => {
  mkdirSync(dataDir);
  // Files a traversal would reach: beside the data folder, and the data folder's own database.
  writeFileSync(join(root, "secret.txt"), SECRET);
  writeFileSync(join(root, "passwd"), SECRET);
  child = await startServe(project, dataDir);
  const stored = (await (await fetch(`${child.site}/store`, { method: "POST", body: storedBytes })).json()) as { storageId: string };
  storedId = stored.storageId;
});

after(async () => {
  if (child) assert.equal(await child.stop(), 0, "stops cleanly");
  assert.doesNotMatch(child.cli.output(), /Error: aborted|ECONNRESET|Internal Server Error/, "no request error reached the log");
  rmSync(project, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
  await recordFigures("hostile-http", {
    title: "malformed, flooding, slow, oversized and traversing requests: right status, no crash, nothing leaked",
    tally,
  });
});

function raw(port: number, request: string | Buffer, guardMs?: number): Promise<RawResponse> {
  tally.requestsSent++;
  tally.inputsTried++;
  return rawRequest(port, typeof request === "string" ? Buffer.from(request, "latin1") : request, guardMs);
}

const close = "Connection: close\r\n";

describe("malformed requests get a 4xx (or a closed connection), never a crash", () => {
  const cases: Array<[string, string, number | null]> = [
    ["an unknown HTTP version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400],
    ["a request line that is not one", "GARBAGE\r\n\r\n", 400],
    ["binary noise", "\x00\x01\x02\x03\xff\xfe\r\n\r\n", 400],
    ["no Host header in HTTP/1.1", `GET /healthy HTTP/1.1\r\n${close}\r\n`, 400],
    ["the asterisk form", `GET * HTTP/1.1\r\nHost: x\r\n${close}\r\n`, 400],
    [
      "Transfer-Encoding and Content-Length together (smuggling)",
      `POST /echo/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n${close}\r\n0\r\n\r\n`,
      400,
    ],
    ["a Content-Length that is not a number", `POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n${close}\r\n`, 400],
    ["a header line without a colon", `GET /healthy HTTP/1.1\r\nHost: x\r\nBadHeader\r\n${close}\r\n`, 400],
    ["a NUL byte in a header value", `GET /healthy HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n${close}\r\n`, 400],
    ["an unknown method", `FOO /echo/x HTTP/1.1\r\nHost: x\r\n${close}\r\n`, 400],
    ["a lower-case method", `get /echo/x HTTP/1.1\r\nHost: x\r\n${close}\r\n`, 400],
    ["a bad chunk size", `POST /echo/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n${close}\r\nZZ\r\nabc\r\n0\r\n\r\n`, 400],
    ["a Host with a port too many", `GET /echo/x HTTP/1.1\r\nHost: 127.0.0.1:1:2\r\n${close}\r\n`, 400],
    ["a Host with credentials", `GET /echo/x HTTP/1.1\r\nHost: user:pw@evil\r\n${close}\r\n`, 400],
    ["raw UTF-8 in the path", `GET /echo/\u00e9 HTTP/1.1\r\nHost: x\r\n${close}\r\n`, 400],
    ["CONNECT", `CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: x\r\n${close}\r\n`, null],
  ];
  for (const [name, request, status] of cases) {
    test(name, async () => {
      for (const port of [child.sitePort, child.apiPort]) {
        const response = await raw(port, request);
        assert.equal(response.status, status, `${name} on port ${port}: ${response.head}`);
        assert.ok(response.closedByServer, "the server closes the connection");
      }
    });
  }

  test("edge forms that are valid are answered normally", async () => {
    assert.equal((await raw(child.sitePort, `GET /healthy HTTP/1.0\r\n\r\n`)).body.toString(), "healthy");
    const absolute = await raw(
      child.sitePort,
      `GET http://elsewhere.example/echo/abs HTTP/1.1\r\n${hostHeader(child.sitePort)}\r\n${close}\r\n`,
    );
    assert.equal(absolute.status, 200);
    assert.equal(JSON.parse(absolute.body.toString()).path, "/echo/abs");
    // An empty Host falls back to the address the request came in on (it was read as the path).
    const emptyHost = await raw(child.sitePort, `GET /echo/empty-host HTTP/1.1\r\nHost: \r\n${close}\r\n`);
    assert.equal(emptyHost.status, 200);
    assert.equal(JSON.parse(emptyHost.body.toString()).path, "/echo/empty-host");
    const malformedEscape = await raw(
      child.apiPort,
      `POST /api/run/%E0%A4%A/x HTTP/1.1\r\n${hostHeader(child.apiPort)}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n${close}\r\n{}`,
    );
    assert.equal(malformedEscape.status, 400, "a malformed %-escape in /api/run is the caller's error (it was a 500)");
    await assertServing(child);
  });
});

describe("header floods", () => {
  test("3,000 headers, or one of 20 KB: 431; 100 ordinary ones: served", async () => {
    const many = Array.from({ length: 3000 }, (_, i) => `X-Flood-${i}: v`).join("\r\n");
    for (const port of [child.sitePort, child.apiPort]) {
      assert.equal((await raw(port, `GET /healthy HTTP/1.1\r\n${hostHeader(port)}\r\n${many}\r\n${close}\r\n`)).status, 431);
      assert.equal(
        (await raw(port, `GET /healthy HTTP/1.1\r\n${hostHeader(port)}\r\nX-Big: ${"a".repeat(20_000)}\r\n${close}\r\n`)).status,
        431,
      );
    }
    const ordinary = Array.from({ length: 100 }, (_, i) => `X-Ok-${i}: ${"v".repeat(50)}`).join("\r\n");
    const response = await raw(child.sitePort, `GET /healthy HTTP/1.1\r\n${hostHeader(child.sitePort)}\r\n${ordinary}\r\n${close}\r\n`);
    assert.equal(response.body.toString(), "healthy");
    await assertServing(child);
  });
});

describe("slow clients", () => {
  test("64 slowloris connections (slow heads and slow bodies) do not stop anyone else", async () => {
    const sockets: Socket[] = [];
    const open = (port: number, first: string) =>
      new Promise<Socket>((resolve) => {
        const socket = connect({ host: "127.0.0.1", port }, () => {
          socket.write(first);
          resolve(socket);
        });
        socket.on("error", () => undefined);
        sockets.push(socket);
      });
    const heads = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        open(i % 2 ? child.apiPort : child.sitePort, `GET /healthy HTTP/1.1\r\n${hostHeader(i % 2 ? child.apiPort : child.sitePort)}\r\n`),
      ),
    );
    const bodies = await Promise.all(
      Array.from({ length: 32 }, () =>
        open(child.sitePort, `POST /echo/slow HTTP/1.1\r\n${hostHeader(child.sitePort)}\r\nContent-Length: 1000\r\n${close}\r\n`),
      ),
    );
    tally.inputsTried += 64;
    // Trickle: one header line or ten body bytes per connection, five times.
    const trickle = (async () => {
      for (let i = 0; i < 5; i++) {
        for (const socket of heads) socket.write(`X-Slow-${i}: ${i}\r\n`);
        for (const socket of bodies) socket.write("0123456789");
        await delay(100);
      }
    })();
    // Meanwhile: 200 ordinary requests, 50 at a time, on both origins. All answered.
    let answered = 0;
    const lanes = Array.from({ length: 50 }, async (_, lane) => {
      for (let i = 0; i < 4; i++) {
        if ((lane + i) % 2 === 0) assert.equal(await (await fetch(`${child.site}/healthy`)).text(), "healthy");
        else assert.equal(await valueOfCall(child.api, "query", "faults:ok"), "fine");
        answered++;
      }
    });
    await Promise.all([trickle, ...lanes]);
    assert.equal(answered, 200);
    tally.requestsSent += 200;
    // A slow body that finally arrives whole is answered like any other.
    const finished = bodies[0]!;
    const reply = new Promise<string>((resolve) => {
      let text = "";
      finished.on("data", (chunk) => (text += chunk.toString()));
      finished.on("close", () => resolve(text));
    });
    finished.write("x".repeat(1000 - 50));
    assert.match(await reply, /^HTTP\/1\.1 200 [\s\S]*"bytes":1000/);
    for (const socket of sockets) socket.destroy();
    // @hono/node-server creates the server with Node's defaults; these are the ones of this Node.
    const defaults = createServer();
    tally.notes.push(
      `slow clients: Node's own limits apply (headersTimeout ${defaults.headersTimeout / 1000} s, requestTimeout ${defaults.requestTimeout / 1000} s, ${maxHeaderSize / 1024} KiB of headers); ${sockets.length} slowloris connections held open while ${answered} other requests were all answered`,
    );
    await assertServing(child);
  });
});

describe("oversized bodies", () => {
  test("an HTTP action body declared over 20 MiB: 413 before it is sent", async () => {
    const response = await raw(
      child.sitePort,
      `POST /echo/big HTTP/1.1\r\n${hostHeader(child.sitePort)}\r\nContent-Length: ${25 * 1024 * 1024}\r\n${close}\r\n`,
    );
    assert.equal(response.status, 413);
    assert.match(response.body.toString(), /larger than the HTTP action limit of 20971520 bytes \(20 MiB\)/);
  });

  test("a chunked HTTP action body that grows past 20 MiB: 413", async () => {
    tally.requestsSent++;
    tally.inputsTried++;
    const status = await new Promise<number | null>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: child.sitePort });
      let head = "";
      socket.on("data", (chunk) => (head += chunk.toString("latin1")));
      socket.on("error", () => undefined);
      socket.on("close", () => resolve(/^HTTP\/1\.1 (\d{3})/.exec(head) ? Number(/^HTTP\/1\.1 (\d{3})/.exec(head)![1]) : null));
      socket.write(`POST /echo/big HTTP/1.1\r\n${hostHeader(child.sitePort)}\r\nTransfer-Encoding: chunked\r\n${close}\r\n`);
      const mib = Buffer.alloc(1024 * 1024, 0x61);
      let sent = 0;
      const pump = () => {
        while (sent < 22 && !socket.destroyed) {
          sent++;
          socket.write(`${mib.length.toString(16)}\r\n`);
          socket.write(mib);
          if (!socket.write("\r\n")) return socket.once("drain", pump);
        }
        if (!socket.destroyed) socket.write("0\r\n\r\n");
      };
      pump();
    });
    assert.equal(status, 413);
  });

  test("a function API body over 20 MiB: 413 (it was read into memory whole, without a limit)", async () => {
    const response = await raw(
      child.apiPort,
      `POST /api/query HTTP/1.1\r\n${hostHeader(child.apiPort)}\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1024 * 1024}\r\n${close}\r\n`,
    );
    assert.equal(response.status, 413);
    assert.match(response.body.toString(), /larger than the function API limit/);
  });

  test("a storage upload declared over 1 GiB: 413 FileTooLarge", async () => {
    const url = new URL(await valueOfCall<string>(child.api, "mutation", "files:uploadUrl"));
    const response = await raw(
      child.apiPort,
      `POST ${url.pathname}${url.search} HTTP/1.1\r\n${hostHeader(child.apiPort)}\r\nContent-Length: ${2 * 1024 ** 3}\r\n${close}\r\n`,
    );
    assert.equal(response.status, 413);
    assert.equal(JSON.parse(response.body.toString()).code, "FileTooLarge");
    await assertServing(child);
  });
});

describe("traversal in storage ids and paths", () => {
  function traversals(): string[] {
    const id = storedId;
    return [
      "..%2F..%2Fetc%2Fpasswd",
      "../../etc/passwd",
      "..%2f..%2fsecret.txt",
      "..%2F..%2Fpasswd",
      "..%2Fdata.sqlite",
      "%2e%2e%2f%2e%2e%2fsecret.txt",
      "%2e%2e/%2e%2e/secret.txt",
      "..%5c..%5csecret.txt",
      "..\\..\\secret.txt",
      "%252e%252e%252fsecret.txt",
      "....//....//secret.txt",
      "%c0%ae%c0%ae/secret.txt",
      `${id}/..%2F..%2Fdata.sqlite`,
      `${id}%2F..%2F..%2Fsecret.txt`,
      `${id}/../../secret.txt`,
      `${id}%00`,
      `${id}%00.txt`,
      `.%2F${id}`,
      `%2F${id}`,
      ".tmp",
      ".",
      "%2e",
      "",
      "a".repeat(4000),
      `${id}${"/..".repeat(40)}/etc/passwd`,
    ];
  }

  test("GET /api/storage/<…>: 404 (or the stored file itself), never a byte from outside", async () => {
    let files = 0;
    for (const rest of traversals()) {
      const response = await raw(child.apiPort, `GET /api/storage/${rest} HTTP/1.1\r\n${hostHeader(child.apiPort)}\r\n${close}\r\n`);
      const body = response.body.toString("latin1");
      assert.ok(response.status !== null && response.status < 500, `${rest}: ${response.head}`);
      assert.ok(
        !body.includes(SECRET) && !body.includes("root:") && !body.includes("SQLite format 3"),
        `${rest} leaked: ${body.slice(0, 100)}`,
      );
      if (response.status === 200) {
        files++;
        assert.equal(body, storedBytes.toString("latin1"), `${rest} served something else than the stored file`);
      } else assert.ok([400, 404].includes(response.status!), `${rest}: ${response.status}`);
    }
    tally.notes.push(
      `${traversals().length} traversal spellings on /api/storage/: ${files} reached the stored file by its own id, the rest 400/404, no byte from outside`,
    );
  });

  test("the same spellings as whole paths, on both origins: nothing is read from disk", async () => {
    for (const rest of traversals()) {
      for (const [port, prefix] of [
        [child.apiPort, "/"],
        [child.apiPort, "/api/"],
        [child.sitePort, "/"],
        [child.sitePort, "/echo/"],
      ] as const) {
        const response = await raw(port, `GET ${prefix}${rest} HTTP/1.1\r\n${hostHeader(port)}\r\n${close}\r\n`);
        const body = response.body.toString("latin1");
        assert.ok(response.status !== null && response.status < 500, `${prefix}${rest}: ${response.head}`);
        assert.ok(!body.includes(SECRET) && !body.includes("root:") && !body.includes("SQLite format 3"), `${prefix}${rest} leaked`);
      }
    }
    await assertServing(child);
  });
});

// A bounded fuzz run (fixed seed) of random requests on raw sockets against both origins of a real
// `convex-lens serve`: random methods, paths (known routes with hostile tails), headers and bodies.
// Invariant: every request gets an answer; no 5xx except the documented ones — an HTTP action's
// uncaught error (500 with the backend's JSON `code`) and a failed function on the function API
// (560 with `status: "error"`); the server is alive and answers normally afterwards.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordFigures, Tally } from "./figures";
import { assertServing, copyFixture, hostHeader, rawRequest, Rng, startServe, type ServeChild } from "./support";

const SEED = 20261124;
const REQUESTS = 1000;
const IN_FLIGHT = 8;

const tally = new Tally();
const project = copyFixture("faults-app");
const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-fuzz-"));
let child: ServeChild | null = null;

after(async () => {
  if (child) assert.equal(await child.stop(), 0);
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  await recordFigures("fuzz", {
    title: "random requests on both origins: no undocumented 5xx, the server alive after",
    tally,
    seed: SEED,
  });
});

const METHODS = [
  "GET",
  "GET",
  "POST",
  "POST",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "FOO",
  "get",
  "PROPFIND",
  "TRACE",
  "M-SEARCH",
];
// Routes of test/fixtures/faults-app that return (the looping and exiting ones are left out:
// they are faults, covered by user-code-faults.test.ts, not random input).
const SITE_PATHS = [
  "/healthy",
  "/write",
  "/echo/",
  "/echo/a/b",
  "/json",
  "/store",
  "/fault/throw-string",
  "/fault/throw-undefined",
  "/fault/not-a-response",
  "/fault/recursion",
  "/nowhere",
  "/",
];
const API_PATHS = [
  "/api/query",
  "/api/mutation",
  "/api/action",
  "/api/query_ts",
  "/api/query_at_ts",
  "/api/run/faults/ok",
  "/api/run/writes/put",
  "/api/run/",
  "/api/storage/",
  "/api/storage/upload",
  "/api/",
  "/",
];
const FUNCTIONS = [
  "faults:ok",
  "writes:put",
  "writes:bump",
  "writes:all",
  "writes:counter",
  "writes:addNote",
  "writes:findNotes",
  "faults:throwString",
  "faults:throwObject",
  "faults:returnFunction",
  "faults:deepRecursion",
  "files:uploadUrl",
  "nope:nope",
  "writes",
  ":",
  "",
  "../../etc/passwd:x",
  "__proto__:constructor",
];
const TAILS = [
  "",
  "",
  "..",
  "%2e%2e",
  "%2F",
  "%00",
  "%",
  "%zz",
  "a".repeat(300),
  "x/y/z",
  "//",
  ";a=b",
  "*",
  "?x=1&y=%",
  "?%%",
  "?a[]=1&a[]=2",
  "%E0%A4%A",
  "%ff%fe",
  "~",
  "!$&'()*+,=@",
];
const CONTENT_TYPES = [
  "application/json",
  "text/plain",
  "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded",
  "image/png",
  "garbage/;;;",
  "",
];

function randomJson(rng: Rng, depth = 0): unknown {
  const pick = rng.int(depth > 3 ? 5 : 8);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1]);
    case 3:
      return rng.pick(["", "x", "'; DROP TABLE documents; --", "\u0000", "\ud800", "é".repeat(10), "$id", "_id"]);
    case 4:
      return rng.pick([{ $integer: "AAAAAAAAAAA=" }, { $bytes: "!!" }, { $float: "x" }, { $set: [] }]);
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = rng.int(4); i > 0; i--)
        object[rng.pick(["name", "round", "seq", "value", "text", "tag", "$weird", "_id", "__proto__", "a b"])] = randomJson(
          rng,
          depth + 1,
        );
      return object;
    }
  }
}

function randomBody(rng: Rng, api: boolean): Buffer {
  switch (rng.int(6)) {
    case 0:
      return Buffer.alloc(0);
    case 1:
    case 2: {
      const call = api
        ? {
            path: rng.pick(FUNCTIONS),
            args: rng.chance(0.8) ? randomJson(rng) : [randomJson(rng)],
            format: rng.pick(["json", "convex_encoded_json", "xml", 7]),
          }
        : randomJson(rng);
      return Buffer.from(JSON.stringify(call) ?? "null");
    }
    case 3:
      return Buffer.from(rng.pick(["{", "[1,", '{"path":', "nul", '"unterminated', "{}}"]));
    case 4:
      return rng.bytes(rng.int(2000));
    default:
      return Buffer.alloc(rng.int(64 * 1024), rng.int(256));
  }
}

function randomHeaders(rng: Rng): string[] {
  const headers: string[] = [];
  if (rng.chance(0.6)) headers.push(`Content-Type: ${rng.pick(CONTENT_TYPES)}`);
  if (rng.chance(0.2))
    headers.push(
      `Authorization: ${rng.pick(["Bearer garbage", "Bearer ", "Bearer a.b.c", "Basic dXNlcjpwdw==", `bearer ${"x".repeat(2000)}`, "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])}`,
    );
  if (rng.chance(0.2)) headers.push(`Convex-Request-Id: ${rng.pick(["abc", "x".repeat(500), "../../", "<script>", "%00"])}`);
  if (rng.chance(0.1))
    headers.push(`Range: ${rng.pick(["bytes=0-1", "bytes=-5", "bytes=9-1", "bytes=0-0,5-9", "garbage", "bytes=99999999999999999999-"])}`);
  if (rng.chance(0.1)) headers.push(`Digest: ${rng.pick(["sha-256=abc", "sha-256=", "md5=x", "garbage"])}`);
  if (rng.chance(0.1)) headers.push(`Origin: ${rng.pick(["http://evil.example", "null", "x"])}`);
  if (rng.chance(0.1)) headers.push(`Accept-Encoding: ${rng.pick(["gzip", "br, deflate", "*", "garbage;q=x"])}`);
  for (let i = rng.int(4); i > 0; i--) headers.push(`X-Fuzz-${rng.int(1000)}: ${rng.bytes(rng.int(40)).toString("base64")}`);
  return headers;
}

/** One random request, as bytes; a body goes with Content-Length or chunked, and is whole. */
function randomRequest(rng: Rng, api: boolean, port: number): { method: string; path: string; bytes: Buffer } {
  // Mostly requests the routes take (POST for the function API), with hostile tails now and then.
  const method = api && rng.chance(0.6) ? "POST" : rng.pick(METHODS);
  const path =
    rng.pick(api ? API_PATHS : SITE_PATHS) + (rng.chance(0.35) ? rng.pick(TAILS) : "") + (rng.chance(0.1) ? rng.pick(TAILS) : "");
  const body = ["GET", "HEAD", "get"].includes(method) && rng.chance(0.8) ? Buffer.alloc(0) : randomBody(rng, api);
  const headers = [hostHeader(port), "Connection: close", ...randomHeaders(rng)];
  let framed: Buffer;
  if (body.length > 0 && rng.chance(0.3)) {
    headers.push("Transfer-Encoding: chunked");
    const cut = rng.int(body.length);
    const parts = [body.subarray(0, cut), body.subarray(cut)].filter((p) => p.length > 0);
    framed = Buffer.concat([
      ...parts.flatMap((p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from("\r\n")]),
      Buffer.from("0\r\n\r\n"),
    ]);
  } else {
    if (body.length > 0 || rng.chance(0.5)) headers.push(`Content-Length: ${body.length}`);
    framed = body;
  }
  const head = Buffer.from(`${method} ${path} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`, "latin1");
  return { method, path, bytes: Buffer.concat([head, framed]) };
}

/** The documented 5xx answers; anything else at 500 and above breaks the invariant. */
function documented5xx(api: boolean, method: string, status: number, body: string): boolean {
  if (method === "HEAD") return !api && status === 500;
  try {
    const json = JSON.parse(body) as { code?: string; status?: string; errorMessage?: string };
    if (!api) return status === 500 && /^\[Request ID: [^\]]+\] Server Error: /.test(json.code ?? "");
    return status === 560 && json.status === "error" && /^\[Request ID: [^\]]+\] Server Error\n/.test(json.errorMessage ?? "");
  } catch {
    return false;
  }
}

test(`${REQUESTS} random requests (seed ${SEED}): answered, no undocumented 5xx, the server alive after`, async () => {
  child = await startServe(project, dataDir);
  const serve = child;
  const rng = new Rng(SEED);
  const plan = Array.from({ length: REQUESTS }, () => {
    const api = rng.chance(0.45);
    return { api, ...randomRequest(rng, api, api ? serve.apiPort : serve.sitePort) };
  });
  const statuses = new Map<string, number>();
  const broken: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < plan.length) {
        const { api, method, path, bytes } = plan[next++]!;
        const response = await rawRequest(api ? serve.apiPort : serve.sitePort, bytes, 20_000);
        tally.requestsSent++;
        tally.inputsTried++;
        const key = `${api ? "api" : "site"} ${response.status ?? "closed"}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const what = `${api ? "api" : "site"} ${method} ${path.slice(0, 80)} → ${response.status}`;
        if (response.status === null) {
          // Node closes without an answer only for CONNECT-like requests it cannot parse as HTTP.
          if (!response.closedByServer) broken.push(`${what}: no answer (hung)`);
        } else if (response.status >= 500 && !documented5xx(api, method, response.status, response.body.toString())) {
          broken.push(`${what}: ${response.body.toString().slice(0, 200)}`);
        }
      }
    }),
  );
  assert.deepEqual(broken, [], "requests broke the invariant");
  assert.equal(serve.cli.child.exitCode, null, "the server is still running");
  for (let i = 0; i < 5; i++) await assertServing(serve);
  assert.doesNotMatch(
    serve.cli.output(),
    /Internal Server Error|Error: aborted|TypeError|RangeError: Invalid/,
    "no request error reached the log",
  );
  tally.requestsSent += 10;
  tally.runs = 1;
  tally.notes.push(
    `answers: ${[...statuses]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}: ${n}`)
      .join(", ")}`,
  );
});

// HTTP action responses against the backend's 20 MiB limit, on a real `convex-lens serve`: a body
// whose size is known before the head goes out (complete, ready at once, or declared) and is over
// the limit gets a 500 with the backend's error, never a 200 that is then cut; a body that
// streams past the limit after its head is cut off without the end-of-body mark, so the client
// can tell. Bodies up to the limit arrive whole.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordFigures, Tally } from "./figures";
import { copyFixture, hostHeader, rawRequest, startServe, type RawResponse, type ServeChild } from "./support";

const tally = new Tally();
const project = copyFixture("lifecycle-app");
const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-limits-"));
const MiB = 1024 * 1024;
const LIMIT = 20 * MiB;
let child: ServeChild;

before(async () => {
  child = await startServe(project, dataDir);
});

after(async () => {
  if (child) assert.equal(await child.stop(), 0, "stops cleanly");
  assert.doesNotMatch(child.cli.output(), /^\s+at /m, "no stack trace in the log");
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  tally.runs = 1;
  await recordFigures("response-limits", {
    title: "HTTP action responses over 20 MiB: the backend's error before the head, or a visibly cut stream",
    tally,
  });
});

function get(path: string): Promise<RawResponse> {
  tally.requestsSent++;
  tally.inputsTried++;
  return rawRequest(child.sitePort, `GET ${path} HTTP/1.1\r\n${hostHeader(child.sitePort)}\r\nConnection: close\r\n\r\n`, 60_000);
}

function assertTooLarge(response: RawResponse): void {
  assert.equal(response.status, 500, response.head);
  const body = JSON.parse(response.body.toString("utf8")) as { code: string };
  assert.match(body.code, /^\[Request ID: [0-9a-f]{16}\] Server Error: HttpResponseTooLarge: HTTP actions support responses up to 20 MiB$/);
}

test("a complete body over 20 MiB: 500 with the backend's error", async () => {
  assertTooLarge(await get(`/body/complete?size=${LIMIT + 1}`));
});

test("a body of exactly 20 MiB arrives whole, with its length", async () => {
  const response = await get(`/body/complete?size=${LIMIT}`);
  assert.equal(response.status, 200);
  assert.match(response.head, new RegExp(`^content-length: ${LIMIT}$`, "im"));
  assert.equal(response.body.byteLength, LIMIT);
});

test("a stream whose chunks are all ready at once, 21 MiB: 500 with the backend's error", async () => {
  assertTooLarge(await get("/body/ready-chunks?mib=21"));
});

test("a stream that declares a length over 20 MiB: 500 with the backend's error before any byte", async () => {
  assertTooLarge(await get(`/body/slow-chunks?mib=21&declare=${21 * MiB}`));
});

test("a stream that passes 20 MiB after its head went out is cut off without the end-of-body mark", async () => {
  const response = await get("/body/slow-chunks?mib=25");
  assert.equal(response.status, 200, "the head went out before the size was known");
  assert.match(response.head, /^transfer-encoding: chunked$/im);
  assert.ok(response.closedByServer);
  assert.ok(!response.rawBody.includes(Buffer.from("\r\n0\r\n\r\n")), "no last chunk: the client can tell the body is incomplete");
  assert.ok(response.body.byteLength <= LIMIT, `${response.body.byteLength} bytes arrived`);
  tally.notes.push(`a stream of 25 MiB was cut after ${(response.body.byteLength / MiB).toFixed(0)} MiB, without the last chunk`);
});

test("a stream under the limit arrives whole, with the end-of-body mark", async () => {
  const response = await get("/body/slow-chunks?mib=3");
  assert.equal(response.status, 200);
  assert.equal(response.body.byteLength, 3 * MiB);
  assert.ok(response.rawBody.subarray(-5).equals(Buffer.from("0\r\n\r\n")));
  await assertServingHere();
});

async function assertServingHere(): Promise<void> {
  const health = await fetch(`${child.site}/healthy`);
  assert.equal(await health.text(), "healthy");
}

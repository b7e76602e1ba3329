// Clients that hang up mid-request, on both origins of a real `convex-lens serve`: mid-upload (with
// a length and chunked), mid-body of a function call and of an HTTP action, while an HTTP action
// runs, while a response streams, mid-download. None prints a stack trace; a cut-off upload is
// one quiet line; the server serves on.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordFigures, Tally } from "./figures";
import { copyFixture, delay, hostHeader, poll, startServe, valueOfCall, type ServeChild } from "./support";
import { LoadGate } from "./early-serve";

const tally = new Tally();
const project = copyFixture("lifecycle-app");
const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-hangup-"));
const gate = new LoadGate();
const QUIET_LINE = /^\[convex-lens\] POST \/api\/storage\/upload: the client closed the connection before the request was complete\.$/gm;
let child: ServeChild;

before(async () => {
  child = await startServe(project, dataDir, ["--env-file", gate.envFile]);
});

after(async () => {
  if (child) assert.equal(await child.stop(), 0, "stops cleanly");
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  gate.remove();
  tally.runs = 1;
  tally.faultsInjected = tally.inputsTried;
  await recordFigures("client-hangup", {
    title: "clients hanging up mid-request on both origins: no stack trace, one quiet line for a cut-off upload",
    tally,
  });
});

/**
 * Sends `head` and `body` on a fresh connection, then hangs up: once `until` bytes of the answer
 * arrived (0: without waiting for any), after a pause that lets the server start on the request.
 */
function hangUp(port: number, head: string, body: Buffer | string = "", until = 0): Promise<void> {
  tally.requestsSent++;
  tally.inputsTried++;
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let received = 0;
    const close = () => {
      socket.destroy();
      resolve();
    };
    socket.on("error", () => undefined);
    // The server ending the connection first (an early refusal) must not leave the test waiting.
    socket.on("close", close);
    socket.on("data", (chunk) => {
      received += chunk.byteLength;
      if (until > 0 && received >= until) close();
    });
    socket.write(head.replace(/\n/g, "\r\n"));
    socket.write(body);
    if (until === 0) setTimeout(close, 300);
  });
}

async function uploadPath(): Promise<string> {
  tally.requestsSent++;
  const url = new URL(await valueOfCall<string>(child.api, "mutation", "lifecycle:uploadUrl"));
  return url.pathname + url.search;
}

test("hang-ups on both origins print no stack trace; a cut-off upload is one quiet line; the server serves on", async () => {
  // A file to download.
  const big = Buffer.alloc(30 * 1024 * 1024, 7);
  const stored = (await (await fetch(`${child.api}${await uploadPath()}`, { method: "POST", body: big })).json()) as { storageId: string };
  tally.requestsSent++;

  await hangUp(
    child.apiPort,
    `POST ${await uploadPath()} HTTP/1.1\n${hostHeader(child.apiPort)}\nContent-Length: 100000\n\n`,
    Buffer.alloc(10, 1),
  );
  await hangUp(
    child.apiPort,
    `POST ${await uploadPath()} HTTP/1.1\n${hostHeader(child.apiPort)}\nTransfer-Encoding: chunked\n\n`,
    "5\r\nhello\r\n",
  );
  await hangUp(
    child.apiPort,
    `POST /api/query HTTP/1.1\n${hostHeader(child.apiPort)}\nContent-Type: application/json\nContent-Length: 1000\n\n`,
    '{"path":',
  );
  await hangUp(child.sitePort, `POST /healthy HTTP/1.1\n${hostHeader(child.sitePort)}\nContent-Length: 1000\n\n`, "half");
  await hangUp(child.sitePort, `GET /hold?until=never HTTP/1.1\n${hostHeader(child.sitePort)}\n\n`);
  await hangUp(child.sitePort, `GET /body/slow-chunks?mib=10 HTTP/1.1\n${hostHeader(child.sitePort)}\n\n`, "", 2 * 1024 * 1024);
  await hangUp(child.apiPort, `GET /api/storage/${stored.storageId} HTTP/1.1\n${hostHeader(child.apiPort)}\n\n`, "", 2 * 1024 * 1024);

  await poll(() => {
    const text = child.cli.output();
    return (text.match(QUIET_LINE)?.length ?? 0) >= 2 ? true : undefined;
  }, `the two cut-off uploads reported:\n${child.cli.output()}`);
  // Still serving, on both origins.
  assert.equal(await (await fetch(`${child.site}/healthy`)).text(), "healthy");
  assert.equal(await valueOfCall(child.api, "query", "lifecycle:ok"), "fine");
  // Time for any late line about the hang-ups to be printed.
  await delay(200);
  const settled = child.cli.output();
  assert.doesNotMatch(settled, /^\s+at /m, `no stack trace:\n${settled}`);
  assert.doesNotMatch(settled, /Error: aborted|ECONNRESET|aborted a request/);
  assert.equal(settled.match(QUIET_LINE)?.length, 2, settled);
  tally.notes.push(`${tally.inputsTried} hang-ups: 2 cut-off uploads reported in one line each, nothing else printed`);
});

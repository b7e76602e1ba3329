// `convex-lens run file.http` as CI runs it: the built CLI in its own process, against a real
// runtime. One line per request, the failing assertion said plainly, and the exit code.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli-process";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;
let dir: string;
before(async () => {
  server = await serveFixture("basic");
  dir = mkdtempSync(join(tmpdir(), "convex-lens-run-"));
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join("\n"));
  return file;
}

/** A port nobody listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function run(args: string[]): Promise<{ code: number | null; lines: string[] }> {
  const cli = runCli(["run", ...args]);
  const code = await cli.exited;
  return { code, lines: cli.output().trimEnd().split("\n") };
}

test("passing requests print one ✓ line each and exit 0; --site beats the file's @site", async () => {
  const file = write("pass.http", [
    "@site = http://127.0.0.1:9", // wrong on purpose: --site replaces it
    "@name = ci",
    "",
    "### POST /increment",
    "POST {{site}}/increment?name={{name}} HTTP/1.1",
    "",
    "?? status == 200",
    "?? header content-type includes json",
    "?? body value == 1",
    "?? js response.parsedBody.value isNumber",
    "",
    "### echo",
    "POST {{site}}/echo",
    "X-Test: {{who}}",
    "Content-Type: text/plain",
    "",
    "hello {{who}}",
    "",
    "?? body body == hello you",
    "?? body header == you",
    "?? duration < 10000",
  ]);
  const { code, lines } = await run([file, "--site", server.site.url, "--var", "who=you"]);
  assert.equal(code, 0, lines.join("\n"));
  assert.match(lines[0]!, /^✓ POST \/increment\?name=ci 200 \d+ms$/);
  assert.match(lines[1]!, /^✓ POST \/echo 200 \d+ms \(echo\)$/);
  assert.equal(lines.at(-1), "2 passed, 0 failed (2 requests in 1 file)");
});

test("a failed assertion is a ✗ line saying what was expected and what came, and exit 1", async () => {
  const file = write("fail.http", [
    "### GET /boom",
    "GET {{site}}/boom",
    "",
    "?? status == 200",
    "?? header content-type includes json",
    "",
    "###",
    "GET /files/exact",
    "",
    "?? body == exact",
  ]);
  const { code, lines } = await run([file, "--site", server.site.url]);
  assert.equal(code, 1, lines.join("\n"));
  assert.match(lines[0]!, /^✗ GET \/boom 500 \d+ms expected status == 200, got 500$/);
  assert.ok(!lines.some((line) => line.includes("content-type includes json")), "the passing assertion is not listed");
  assert.match(lines[1]!, /^✓ GET \/files\/exact 200 \d+ms$/);
  assert.equal(lines.at(-1), "1 passed, 1 failed (2 requests in 1 file)");
});

test("a text/event-stream answer is checked by its events; a failing one says what came", async () => {
  const file = write("events.http", [
    "### tokens",
    "GET {{site}}/events?count=2",
    "",
    "?? status == 200",
    "?? header content-type == text/event-stream",
    "?? event count == 3",
    "?? event 0 event == token",
    "?? event 1 data n == 2",
    "?? event -1 event == done",
    "?? events includes [DONE]",
    "?? js response.events.filter((e) => e.event === 'token').length == 2",
    "",
    "### too few",
    "GET {{site}}/events?count=1",
    "",
    "?? event count == 5",
    "?? event 3 data == x",
    "",
    "### not a stream",
    "GET {{site}}/files/exact",
    "",
    "?? event count == 0",
  ]);
  const { code, lines } = await run([file, "--site", server.site.url]);
  assert.equal(code, 1, lines.join("\n"));
  assert.match(lines[0]!, /^✓ GET \/events\?count=2 200 \d+ms \(tokens\)$/);
  assert.match(lines[1]!, /^✗ GET \/events\?count=1 200 \d+ms \(too few\) expected event count == 5, got 2$/);
  assert.equal(lines[2], "    event 3 data == x: the stream has 2 events, so no event 3");
  assert.match(lines[3]!, /^✗ GET \/files\/exact 200 \d+ms \(not a stream\) event count == 0: the response is not text\/event-stream/);
  assert.equal(lines.at(-1), "1 passed, 2 failed (3 requests in 1 file)");
});

test("errors count as failures: nobody listening, a variable without value, a problem in the file", async () => {
  const unreachable = write("down.http", ["GET {{site}}/echo", "", "?? status == 200"]);
  const down = await run([unreachable, "--site", `http://127.0.0.1:${await closedPort()}`]);
  assert.equal(down.code, 1);
  assert.match(down.lines[0]!, /^✗ GET \/echo \d+ms fetch failed: connect ECONNREFUSED/);

  const broken = write("broken.http", [
    "GET {{site}}/echo",
    "Authorization: Bearer {{token}}",
    "",
    "?? status 200",
    "",
    "###",
    "GET {{site}}/echo",
  ]);
  const other = write("other.http", ["GET {{site}}/files/exact", "", "?? status == 200"]);
  const result = await run([broken, other, "--site", server.site.url]);
  assert.equal(result.code, 1);
  const output = result.lines.join("\n");
  assert.match(output, /broken\.http:4: Unsupported assertion "\?\? status 200"/);
  assert.match(output, /✗ GET \/echo The variable \{\{token\}\} has no value/);
  assert.match(output, /✓ GET \/files\/exact 200/);
  assert.match(result.lines.at(-1)!, /^2 passed, 1 failed, 1 problem in the files \(3 requests in 2 files\)$/);
});

test("usage errors are strict and exit 2", async () => {
  const file = write("any.http", ["GET /echo"]);
  for (const [args, message] of [
    [[], /run needs at least one \.http file/],
    [[file, "--port", "1"], /--port is an option of serve, not of run/],
    [[file, "--site", "localhost:3311"], /--site takes (a URL|an http)/],
    [[file, "--var", "novalue"], /--var takes name=value/],
    [[file, "--site", "http://a", "--var", "site=http://b"], /Give the site once/],
    [[file, "--timeout", "soon"], /--timeout takes a whole number/],
    [[join(dir, "missing.http")], /Cannot read .*missing\.http: ENOENT/],
  ] as Array<[string[], RegExp]>) {
    const { code, lines } = await run(args);
    assert.equal(code, 2, `${args.join(" ")}: ${lines.join("\n")}`);
    assert.match(lines.join("\n"), message);
  }
});

// `convex-lens serve` as a user runs it: the built CLI in its own process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyFixture, runCli } from "../helpers/cli-process";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test("serve prints both URLs and curl lines, logs like the Convex CLI, and stops cleanly", async () => {
  const project = copyFixture("basic");
  const envFile = join(project, ".env.local");
  writeFileSync(envFile, "CUSTOM_VAR=from the env file\n");
  const cli = runCli(["serve", project, "--port", "0", "--api-port", "0", "--env-file", envFile]);
  try {
    const [, site] = await cli.waitFor(/HTTP actions \(site\):\s+(http:\/\/127\.0\.0\.1:\d+)/);
    await cli.waitFor(/Convex API \(cloud\):\s+http:\/\/127\.0\.0\.1:\d+/);
    await cli.waitFor(/curl -i '.*\/echo'/);
    // A GET route's line carries the query parameters its handler reads (`Number(get("count"))`
    // gets a number; `get("gate")` its own name).
    await cli.waitFor(/curl -i 'http:\/\/127\.0\.0\.1:\d+\/events\?count=1&gate=gate'/);
    const echo = (await (await fetch(`${site}/echo`)).json()) as { env: { custom: string } };
    assert.equal(echo.env.custom, "from the env file");
    await fetch(`${site}/log`, { method: "POST", body: JSON.stringify({ count: 1 }) }).then((r) => r.text());
    await cli.waitFor(/\[CONVEX H\(POST \/log\)\] \[LOG\] 'line' 0 \{\n {2}n: 0\n\}/);
    await cli.waitFor(/\[CONVEX H\(POST \/log\)\] \[WARN\] 'warned'/);
    await fetch(`${site}/boom`).then((r) => r.text());
    await cli.waitFor(/\[CONVEX H\(GET \/boom\)\] Uncaught Error: boom/);
  } finally {
    cli.child.kill("SIGTERM");
  }
  assert.equal(await cli.exited, 0);
  rmSync(project, { recursive: true, force: true });
});

test("a taken port is a clear error naming the port and the flag", async () => {
  const port = await freePort();
  const blocker = createServer().listen(port, "127.0.0.1");
  await new Promise((r) => blocker.once("listening", r));
  try {
    const project = copyFixture("basic");
    const cli = runCli(["serve", project, "--port", String(port), "--api-port", "0"]);
    const code = await cli.exited;
    assert.notEqual(code, 0);
    assert.match(cli.output(), new RegExp(`Port ${port} is already in use.*--port`));
    rmSync(project, { recursive: true, force: true });
  } finally {
    blocker.close();
  }
});

test("saving a file reloads; a broken build is reported by file and line and the last good build keeps serving", async () => {
  const project = copyFixture("basic");
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-cli-"));
  const cli = runCli(["serve", project, "--port", "0", "--api-port", "0", "--data", dataDir]);
  try {
    const [, site] = await cli.waitFor(/HTTP actions \(site\):\s+(http:\/\/127\.0\.0\.1:\d+)/);
    assert.equal(await (await fetch(`${site}/files/exact`)).text(), "exact");
    const httpFile = join(project, "convex", "http.ts");
    const original = readFileSync(httpFile, "utf8");
    writeFileSync(httpFile, original.replace('new Response("exact")', 'new Response("exact, edited")'));
    await cli.waitFor(/reloaded in \d+ ms/);
    assert.equal(await (await fetch(`${site}/files/exact`)).text(), "exact, edited");

    writeFileSync(httpFile, original.replace('new Response("exact")', 'new Response("exact" +)'));
    const [, line] = await cli.waitFor(/convex\/http\.ts:(\d+):\d+: /);
    const brokenLine = original.split("\n").findIndex((l) => l.includes('new Response("exact")')) + 1;
    assert.equal(Number(line), brokenLine);
    assert.equal(await (await fetch(`${site}/files/exact`)).text(), "exact, edited");
  } finally {
    cli.child.kill("SIGINT");
  }
  assert.equal(await cli.exited, 0);
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

test("bad arguments get a usage message and exit code 2", async () => {
  const cli = runCli(["serve", "--port", "banana"]);
  assert.equal(await cli.exited, 2);
  assert.match(cli.output(), /--port takes a port number/);
});

test("a router without routes says so instead of printing empty lists", async () => {
  const project = copyFixture("basic");
  writeFileSync(
    join(project, "convex", "http.ts"),
    'import { httpRouter } from "convex/server";\nconst http = httpRouter();\nexport default http;\n',
  );
  const cli = runCli(["serve", project, "--port", "0", "--api-port", "0"]);
  try {
    await cli.waitFor(/Routes: none yet \(add them with http\.route\(\.\.\.\) in convex\/http\.ts\)\./);
    await cli.waitFor(/Watching for changes/);
    assert.doesNotMatch(cli.output(), /Try:/);
  } finally {
    cli.child.kill("SIGTERM");
  }
  assert.equal(await cli.exited, 0);
  rmSync(project, { recursive: true, force: true });
});

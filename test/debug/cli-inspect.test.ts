// `convex-lens serve --inspect[=port]` prints the debugger endpoint, which answers as Node's does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { get } from "node:http";
import { copyFixture, runCli } from "../helpers/cli-process";
import { parseCli, UsageError } from "../../runtime/cli/args";

test("serve --inspect=0 prints the debugger's WebSocket, listed at /json/list like node --inspect", { timeout: 90_000 }, async () => {
  const project = copyFixture("debug-app");
  const cli = runCli(["serve", project, "--port", "0", "--api-port", "0", "--inspect=0"]);
  try {
    const [, url, port] = await cli.waitFor(/Debugger:\s+(ws:\/\/127\.0\.0\.1:(\d+)\/[0-9a-f-]{36})/);
    await cli.waitFor(/VS Code: attach \(type "node"\) to port \d+; Chrome: devtools:\/\/devtools\/bundled\/js_app\.html/);
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
      webSocketDebuggerUrl: string;
      type: string;
    }>;
    assert.deepEqual(
      targets.map((target) => [target.type, target.webSocketDebuggerUrl]),
      [["node", url]],
    );
    const statusWithHost = (host: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        const request = get({ host: "127.0.0.1", port: Number(port), path: "/json/list", headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode);
        });
        request.on("error", reject);
      });
    // VS Code's JavaScript debugger looks the target up with "Host: localhost", without the port.
    assert.equal(await statusWithHost("localhost"), 200);
    // DNS rebinding: a page whose name resolves to 127.0.0.1 must not read the secret URL.
    assert.equal(await statusWithHost(`evil.example:${port}`), 403);
  } finally {
    cli.child.kill("SIGTERM");
  }
  assert.equal(await cli.exited, 0);
  rmSync(project, { recursive: true, force: true });
});

test("--inspect alone takes Node's default port 9229; a bad port is a usage error", { timeout: 90_000 }, () => {
  const serve = (argv: string[]) => parseCli(argv) as { inspect: number | undefined };
  assert.equal(serve(["serve", "--inspect"]).inspect, 9229);
  assert.equal(serve(["serve", "--inspect=9333"]).inspect, 9333);
  assert.equal(serve(["serve"]).inspect, undefined);
  assert.throws(
    () => parseCli(["serve", "--inspect=x"]),
    (error: unknown) => error instanceof UsageError && /--inspect takes a port number/.test(error.message),
  );
});

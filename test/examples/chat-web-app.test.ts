// The example's web page (examples/chat: index.html, src/, vite.config.ts): `vite build` bundles it
// with the Convex URL it is given, and the function references it uses by hand (src/api.ts: no
// codegen without a deployment) name public functions of its convex/ folder, served by the runtime.
// The page itself, live in a browser against the extension's runtime, is a step of the end-to-end
// suite (test/e2e/vscode.e2e.ts).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { ConvexHttpClient } from "convex/browser";
import { api } from "../../examples/chat/src/api";
import { serveFixture } from "../helpers/serve-fixture";

const REPO = resolve(__dirname, "..", "..");
const VITE = join(REPO, "node_modules", "vite", "bin", "vite.js");

/** A copy of examples/chat inside the repository (its imports resolve from our node_modules),
 *  so that Vite's cache and output never land in examples/. */
function copyExample(): string {
  const root = join(REPO, "test", ".tmp");
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, "chat-web-app-"));
  cpSync(join(REPO, "examples", "chat"), dir, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|\.convex-lens|dist)([\\/]|$)/.test(source.slice(REPO.length)),
  });
  return dir;
}

const copies: string[] = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolveRun({ code, output }));
  });
}

test("vite build bundles the page with VITE_CONVEX_URL", async () => {
  const dir = copyExample();
  copies.push(dir);
  const convexUrl = "http://127.0.0.1:3310";
  const env: NodeJS.ProcessEnv = { ...process.env, VITE_CONVEX_URL: convexUrl, NO_COLOR: "1" };
  const built = await run(process.execPath, [VITE, "build"], { cwd: dir, env });
  assert.equal(built.code, 0, `vite build failed:\n${built.output}`);
  const html = readFileSync(join(dir, "dist", "index.html"), "utf8");
  const script = /<script type="module" crossorigin src="\/(assets\/index-[\w-]+\.js)">/.exec(html)?.[1];
  assert.ok(script, `dist/index.html loads no bundle:\n${html}`);
  assert.ok(existsSync(join(dir, "dist", script)), `dist/${script} is missing`);
  const bundle = readFileSync(join(dir, "dist", script), "utf8");
  assert.ok(bundle.includes(convexUrl), `the bundle does not hold the VITE_CONVEX_URL it was built with (${convexUrl})`);
});

test("the page's api.messages.send and api.messages.list are public functions of convex/: one stores, the other lists", async () => {
  const dir = copyExample();
  copies.push(dir);
  const server = await serveFixture("chat", { projectDir: dir });
  try {
    const client = new ConvexHttpClient(server.api.url);
    const id = await client.mutation(api.messages.send, { author: "page", body: "hello from the form" });
    const listed = await client.query(api.messages.list, {});
    assert.deepEqual(
      listed.map((message) => [message._id, message.author, message.body, message.format]),
      [[id, "page", "hello from the form", "text"]],
    );
  } finally {
    await server.stop();
  }
});

// New code computes anything differently: after a reload every subscribed query runs again, and
// the client sees what the new code returns without subscribing again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeFunctionReference } from "convex/server";
import { startServing } from "../../runtime/serve";
import { copyFixture } from "../helpers/cli-process";
import { connectClient, watch } from "./sync-client";

const greeting = makeFunctionReference<"query", Record<string, never>, string>("greeting:get");
const source = (text: string) =>
  `import { query } from "./_generated/server";\nexport const get = query({ args: {}, handler: async () => ${JSON.stringify(text)} });\n`;

test("a reload re-runs the subscriptions: the client sees the new code's result", async () => {
  const project = copyFixture("sync-app");
  writeFileSync(join(project, "convex", "greeting.ts"), source("hello"));
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-sync-reload-"));
  const serving = await startServing({ projectDir: project, dataDir, port: 0, apiPort: 0 });
  const sync = connectClient(serving.api.url);
  try {
    const watched = watch(sync.client, greeting, {});
    assert.equal(await watched.next(() => true), "hello");
    writeFileSync(join(project, "convex", "greeting.ts"), source("hello again"));
    await serving.runtime.reload();
    assert.equal(await watched.next((value) => value === "hello again"), "hello again");
    assert.deepEqual(watched.errors, []);
  } finally {
    await sync.client.close();
    await serving.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

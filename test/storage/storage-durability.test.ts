// Bytes and `_storage` documents stay in step: rolled-back stores leave nothing behind, files
// survive a restart, and what a crash leaves in the files folder is swept at the next start.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeId, SYSTEM_TABLE_NUMBERS } from "../../runtime/store/ids";
import { serveFixture } from "../helpers/serve-fixture";
import { eventually, failure, fileExists, run, storeViaHttpAction } from "./storage-helpers";

test("a mutation that stores and then throws leaves no document, and its bytes are removed", async () => {
  const server = await serveFixture("storage-app");
  try {
    const message = await failure(server, "files:storeThenThrow", { text: "doomed" }, "mutation");
    const id = /stored (\w+) and failed/.exec(message)?.[1];
    assert.ok(id, message);
    assert.equal(await run(server, "files:systemGet", { id }, "query"), null);
    assert.equal(await run(server, "files:getUrl", { id }, "query"), null);
    assert.equal((await fetch(`${server.api.url}/api/storage/${id}`)).status, 404);
    await eventually(() => !fileExists(server, id), "the rolled-back file is removed");

    // A nested mutation that stores and fails, caught by a caller that commits.
    const nested = await run(server, "files:storeInNestedThatFails", { text: "nested" }, "mutation");
    const nestedId = /nested stored (\w+)/.exec(nested)?.[1];
    assert.ok(nestedId, nested);
    assert.equal(await run(server, "files:systemGet", { id: nestedId }, "query"), null);
    await eventually(() => !fileExists(server, nestedId), "the rolled-back nested file is removed");

    // A committed store keeps its bytes.
    const kept = await run(server, "files:storeText", { text: "kept", type: "text/plain" }, "mutation");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(fileExists(server, kept), true);
    assert.deepEqual(await run(server, "files:systemList", {}, "query").then((docs) => docs.map((d: { _id: string }) => d._id)), [kept]);
  } finally {
    await server.stop();
  }
});

test("files survive a restart; orphans and unfinished uploads of a crash are swept at start", async () => {
  const first = await serveFixture("storage-app");
  const dataDir = first.dataDir;
  let id: string;
  try {
    id = await storeViaHttpAction(first, "still here", "text/plain");
  } finally {
    await first.stop({ removeData: false });
  }
  // What a crash could leave: bytes placed for a document that never committed, a half-written
  // upload. A file that is not named like a storage ID is not ours to delete.
  const filesDir = join(dataDir, "files");
  const orphan = encodeId(SYSTEM_TABLE_NUMBERS._storage!);
  writeFileSync(join(filesDir, orphan), "orphaned bytes");
  mkdirSync(join(filesDir, ".tmp"), { recursive: true });
  writeFileSync(join(filesDir, ".tmp", "partial"), "half an upload");
  writeFileSync(join(filesDir, "README.txt"), "someone else's file");

  const second = await serveFixture("storage-app", { dataDir });
  try {
    const url = await run(second, "files:getUrl", { id }, "query");
    assert.equal(url, `${second.api.url}/api/storage/${id}`);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/plain");
    assert.equal(await response.text(), "still here");
    await eventually(() => !existsSync(join(filesDir, orphan)), "the orphan is swept");
    assert.deepEqual(readdirSync(join(filesDir, ".tmp")), []);
    assert.equal(existsSync(join(filesDir, "README.txt")), true);
    assert.equal((await fetch(`${second.api.url}/api/storage/${orphan}`)).status, 404);
  } finally {
    await second.stop();
  }
});

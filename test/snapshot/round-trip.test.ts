// Export → import: a data folder written by real functions (three tables that refer to each other,
// int64, bytes, special floats and nested values, files in the app's and a component's _storage,
// the component's tables) comes back document by document and byte by byte, and the project's
// HTTP actions answer from the imported folder as from the original.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { isSystemTableName } from "../../runtime/store/catalog";
import { baseTableName } from "../../runtime/store/namespaces";
import { runCli } from "../helpers/cli-process";
import { serveFixture } from "../helpers/serve-fixture";
import { readFolder, seededFolder, tempDir } from "./snapshot-helpers";

/** What a snapshot carries: user tables and _storage tables (not the runtime's bookkeeping). */
const carried = (name: string) => !isSystemTableName(name) || baseTableName(name) === "_storage";

test("a data folder exported and imported into a fresh folder is the same, document by document", async () => {
  const { dataDir, postId } = await seededFolder();
  const zip = join(tempDir("zip"), "snapshot.zip");
  const exported = runCli(["export", zip, "--data", dataDir]);
  assert.equal(await exported.exited, 0, exported.output());
  assert.match(exported.output(), /Exported .*: 5 tables, 8 documents, 2 files\./);

  const fresh = join(tempDir("fresh"), ".convex-lens");
  const imported = runCli(["import", zip, "--data", fresh]);
  assert.equal(await imported.exited, 0, imported.output());
  assert.match(imported.output(), /Imported .*snapshot\.zip into .*: 5 tables, 8 documents, 2 files\./);

  const before = await readFolder(dataDir);
  const after = await readFolder(fresh);
  const names = [...before.tables.keys()].filter(carried).sort();
  assert.deepEqual(names, ["_storage", "authors", "comments", "counter/_storage", "counter/counters", "counter/log", "posts"]);
  assert.deepEqual([...after.tables.keys()].sort(), names);
  for (const name of names) assert.deepEqual(after.tables.get(name), before.tables.get(name), `documents of ${name}`);
  const storageIds = [...before.tables.get("_storage")!, ...before.tables.get("counter/_storage")!].map((doc) => doc._id);
  assert.equal(storageIds.length, 2);
  for (const id of storageIds) assert.deepEqual(after.files.get(id), before.files.get(id), `bytes of ${id}`);
  assert.equal(after.files.size, 2);

  // The values that JSON alone cannot carry came through as they were.
  const post = after.tables.get("posts")![0]!;
  const meta = post.meta as { counts: Record<string, unknown>; counterFile: string };
  assert.deepEqual(post.digest, { $bytes: "AAH+/w==" });
  assert.deepEqual(meta.counts.views, { $integer: Buffer.from("f22fce733a0b0000", "hex").toString("base64") });
  assert.equal(meta.counts.ratio, 1);
  assert.deepEqual(meta.counts.zero, { $float: "AAAAAAAAAIA=" });
  assert.deepEqual(meta.counts.big, { $float: "AAAAAAAA+H8=" });

  // The HTTP actions follow the references of the imported documents.
  const server = await serveFixture("snapshot-app", { dataDir: fresh });
  try {
    const page = await server.get(`/post?id=${postId}`);
    assert.equal(page.status, 200);
    const body = (await page.json()) as { avatarUrl: string };
    assert.deepEqual(
      { ...body, avatarUrl: new URL(body.avatarUrl).pathname },
      {
        title: "Notes",
        author: "Ada",
        born: "1815",
        avatarUrl: `/api/storage/${before.tables.get("_storage")![0]!._id}`,
        commenters: ["Alan", "Ada"],
        visits: 7,
      },
    );
    assert.equal(await (await fetch(body.avatarUrl)).text(), "portrait bytes");
    const counterFile = await server.get(`/counter-file?id=${meta.counterFile}`);
    assert.deepEqual(await counterFile.json(), { text: "the counter's file" });
  } finally {
    await server.stop();
  }
});

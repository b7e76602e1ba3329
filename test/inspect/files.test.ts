// The Files tab's storage access against the real runtime: the list of `_storage` documents,
// previews, and deletes through the storage service (document and bytes both go).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { deleteFile, fileUrl, InspectError, pageFiles, previewFile, readFile, runForInspector } from "../../runtime/inspect";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;

test.before(async () => {
  server = await serveFixture("inspect-app");
});
test.after(() => server.stop());

// A 1×1 PNG.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

async function store(name: string, args: Record<string, string>): Promise<string> {
  const outcome = await runForInspector(server.runtime, { component: "", name, args, authorization: null });
  assert.equal(outcome.outcome, "success", outcome.error ?? "");
  return JSON.parse(outcome.result!) as string;
}

test("files are listed newest first with size, content type and digest, page by page", async () => {
  const text = await store("files:storeText", { text: "hello files", type: "text/plain" });
  const image = await store("files:storeBase64", { base64: PNG, type: "image/png" });
  const untyped = await store("files:storeText", { text: "<b>bold</b>", type: "" });
  const first = await pageFiles(server.runtime.store, "", null, 2);
  assert.deepEqual(
    first.files.map((f) => f.id),
    [untyped, image],
  );
  assert.ok(first.continueCursor);
  const second = await pageFiles(server.runtime.store, "", first.continueCursor, 2);
  assert.deepEqual(
    second.files.map((f) => f.id),
    [text],
  );
  assert.equal(second.continueCursor, null);
  const [pngEntry] = first.files.filter((f) => f.id === image);
  assert.equal(pngEntry!.size, Buffer.from(PNG, "base64").byteLength);
  assert.equal(pngEntry!.contentType, "image/png");
  assert.equal(Buffer.from(pngEntry!.sha256, "base64").byteLength, 32);
  assert.equal(first.files[0]!.contentType, null);
});

test("previews: images as base64 of their bytes, text as text, other types explained", async () => {
  const image = await store("files:storeBase64", { base64: PNG, type: "image/png" });
  assert.deepEqual(await previewFile(server.runtime, "", image), { kind: "image", contentType: "image/png", base64: PNG });
  const text = await store("files:storeText", { text: "line 1\n<script>x</script>", type: "text/plain; charset=utf-8" });
  assert.deepEqual(await previewFile(server.runtime, "", text), { kind: "text", text: "line 1\n<script>x</script>" });
  const binary = await store("files:storeBase64", { base64: "AAEC", type: "application/octet-stream" });
  const none = await previewFile(server.runtime, "", binary);
  assert.equal(none.kind, "none");
  assert.deepEqual((await readFile(server.runtime, "", binary))!.bytes, new Uint8Array([0, 1, 2]));
});

test("a delete goes through the storage service: the document, the URL and the bytes are gone", async () => {
  const id = await store("files:storeText", { text: "doomed", type: "text/plain" });
  const onDisk = join(server.dataDir, "files", id);
  assert.ok(existsSync(onDisk));
  assert.equal(await (await fetch(fileUrl(server.runtime, id))).text(), "doomed");
  await deleteFile(server.runtime, "", id);
  assert.ok(!(await pageFiles(server.runtime.store, "", null, 100)).files.some((f) => f.id === id));
  assert.equal((await fetch(fileUrl(server.runtime, id))).status, 404);
  assert.ok(!existsSync(onDisk), "the bytes were removed");
  assert.equal(await readFile(server.runtime, "", id), null);
  await assert.rejects(deleteFile(server.runtime, "", id), /not found/);
  await assert.rejects(previewFile(server.runtime, "", id), InspectError);
});

test("anything but a storage ID is refused before it reaches a path or a URL", async () => {
  for (const bad of ["../data.sqlite", "", "not an id"]) {
    await assert.rejects(deleteFile(server.runtime, "", bad), InspectError);
    assert.throws(() => fileUrl(server.runtime, bad), InspectError);
  }
  const task = await runForInspector(server.runtime, { component: "", name: "tasks:add", args: { title: "t" }, authorization: null });
  await assert.rejects(previewFile(server.runtime, "", JSON.parse(task.result!) as string), InspectError, "an ID of another table");
});

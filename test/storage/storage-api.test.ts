// ctx.storage and the storage endpoints through the real runtime, on one fixture server: storing
// from an HTTP action, URLs, metadata, the `_storage` system table, upload URLs, deletes, the
// mutation and action forms, and the errors the backend gives.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { eventually, failure, fileExists, run, sha256, storeViaHttpAction } from "./storage-helpers";

describe("file storage", () => {
  let server: FixtureServer;
  before(async () => {
    server = await serveFixture("storage-app");
  });
  after(async () => {
    await server.stop();
  });

  test("an HTTP action stores a request body; its URL serves the same bytes and type", async () => {
    const bytes = randomBytes(200_000);
    const id = await storeViaHttpAction(server, bytes, "image/png");
    const url = await run(server, "files:getUrl", { id }, "query");
    assert.equal(url, `${server.api.url}/api/storage/${id}`);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "image/png");
    assert.equal(response.headers.get("content-length"), String(bytes.length));
    assert.equal(response.headers.get("digest"), `sha-256=${sha256(bytes).toString("base64")}`);
    assert.equal(response.headers.get("cache-control"), "private, max-age=2592000");
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
  });

  test("getMetadata, db.system.get and db.system.query('_storage') describe the file", async () => {
    const id = await storeViaHttpAction(server, "hello world", "text/plain");
    const metadata = await run(server, "files:getMetadata", { id }, "query");
    assert.deepEqual(metadata, { storageId: id, sha256: sha256("hello world").toString("hex"), size: 11, contentType: "text/plain" });
    const doc = await run(server, "files:systemGet", { id }, "query");
    assert.equal(doc._id, id);
    assert.equal(typeof doc._creationTime, "number");
    assert.deepEqual(
      { ...doc, _creationTime: 0 },
      { _id: id, _creationTime: 0, sha256: sha256("hello world").toString("base64"), size: 11, contentType: "text/plain" },
    );
    const all = await run(server, "files:systemList", {}, "query");
    assert.deepEqual(
      all.find((d: { _id: string }) => d._id === id),
      doc,
    );
    // The ID is a real `_storage` ID: a v.id("_storage") field accepts it.
    await run(server, "files:addNote", { text: "with file", file: id }, "mutation");
  });

  test("a file stored without a type has no contentType field, null metadata type and no header", async () => {
    const id = await storeViaHttpAction(server, new Uint8Array([1, 2, 3]));
    const doc = await run(server, "files:systemGet", { id }, "query");
    assert.equal("contentType" in doc, false);
    assert.equal((await run(server, "files:getMetadata", { id }, "query")).contentType, null);
    const response = await fetch(`${server.api.url}/api/storage/${id}`);
    // Empty rather than absent: see storage-routes.ts (our HTTP server would fill in text/plain).
    assert.equal(response.headers.get("content-type") || null, null);
    assert.deepEqual([...new Uint8Array(await response.arrayBuffer())], [1, 2, 3]);
  });

  test("an upload URL from a mutation takes a POST; the returned ID is usable (and the URL reusable)", async () => {
    const uploadUrl: string = await run(server, "files:generateUploadUrl", {}, "mutation");
    assert.match(uploadUrl, new RegExp(`^${server.api.url}/api/storage/upload\\?token=[A-Za-z0-9_-]{20,}$`));
    const upload = await fetch(uploadUrl, { method: "POST", body: "uploaded bytes", headers: { "content-type": "text/markdown" } });
    assert.equal(upload.status, 200);
    assert.match(upload.headers.get("content-type") ?? "", /^application\/json/);
    const { storageId } = (await upload.json()) as { storageId: string };
    assert.deepEqual(await run(server, "files:getText", { id: storageId }, "mutation"), { text: "uploaded bytes", type: "text/markdown" });
    await run(server, "files:addNote", { text: "uploaded", file: storageId }, "mutation");
    // Like the backend's token, the URL stays valid for its hour rather than for one upload.
    const again = await fetch(uploadUrl, { method: "POST", body: "second" });
    assert.equal(again.status, 200);
    const second = ((await again.json()) as { storageId: string }).storageId;
    assert.notEqual(second, storageId);
    // Actions get upload URLs too.
    assert.match(await run(server, "files:uploadUrlInAction", {}, "action"), /\/api\/storage\/upload\?token=/);
  });

  test("an upload with an unknown or missing token is refused with the backend's 401, storing nothing", async () => {
    const filesBefore = readdirSync(join(server.dataDir, "files")).length;
    for (const url of [`${server.api.url}/api/storage/upload?token=not-a-token`, `${server.api.url}/api/storage/upload`]) {
      const response = await fetch(url, { method: "POST", body: "sneaky" });
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), { code: "StorageTokenInvalid", message: "Couldn't decode the StoreFileAuthorization token" });
    }
    assert.equal(readdirSync(join(server.dataDir, "files")).length, filesBefore);
  });

  test("an upload's Digest header is checked against the bytes", async () => {
    const uploadUrl: string = await run(server, "files:generateUploadUrl", {}, "mutation");
    const good = await fetch(uploadUrl, {
      method: "POST",
      body: "digested",
      headers: { digest: `sha-256=${sha256("digested").toString("base64")}` },
    });
    assert.equal(good.status, 200);
    const wrong = sha256("something else").toString("base64");
    const bad = await fetch(uploadUrl, { method: "POST", body: "digested", headers: { digest: `sha-256=${wrong}` } });
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), {
      code: "Sha256Mismatch",
      message: `Sha256 mismatch. Expected: ${wrong} Actual: ${sha256("digested").toString("base64")}`,
    });
    const garbled = await fetch(uploadUrl, { method: "POST", body: "digested", headers: { digest: "md5=abc" } });
    assert.equal(garbled.status, 400);
  });

  test("delete in a mutation: the URL 404s, get and getUrl return null, the bytes leave the disk", async () => {
    const id = await storeViaHttpAction(server, "to be deleted", "text/plain");
    const url = await run(server, "files:getUrl", { id }, "query");
    assert.equal(fileExists(server, id), true);
    await run(server, "files:remove", { id }, "mutation");
    const response = await fetch(url);
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { code: "FileNotFound", message: `File ${id} not found` });
    assert.equal(await run(server, "files:getUrl", { id }, "query"), null);
    assert.equal(await run(server, "files:getMetadata", { id }, "query"), null);
    assert.equal(await run(server, "files:getText", { id }, "mutation"), null);
    assert.equal(await run(server, "files:getInAction", { id }, "action"), null);
    assert.equal(await run(server, "files:systemGet", { id }, "query"), null);
    // A mutation's bytes go once its transaction has ended, just after it returns.
    await eventually(() => !fileExists(server, id), "the deleted bytes are removed");
    assert.equal(await failure(server, "files:remove", { id }, "mutation"), `Uncaught Error: storage id ${id} not found`);
  });

  test("delete in an action removes document and bytes at once", async () => {
    const id = await storeViaHttpAction(server, "action delete");
    await run(server, "files:removeInAction", { id }, "action");
    assert.equal(fileExists(server, id), false);
    assert.equal(await run(server, "files:systemGet", { id }, "query"), null);
  });

  test("a mutation that deletes and then throws keeps the file", async () => {
    const id = await storeViaHttpAction(server, "survivor", "text/plain");
    assert.match(await failure(server, "files:removeThenThrow", { id }, "mutation"), /changed my mind/);
    const response = await fetch(`${server.api.url}/api/storage/${id}`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "survivor");
    // The bytes are still there once the rolled-back delete has been reconciled.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(fileExists(server, id), true);
  });

  test("the mutation forms store and get (convex 1.48) and the action forms agree", async () => {
    const id = await run(server, "files:storeText", { text: "from a mutation", type: "text/csv" }, "mutation");
    assert.deepEqual(await run(server, "files:getText", { id }, "mutation"), { text: "from a mutation", type: "text/csv" });
    assert.deepEqual(await run(server, "files:getInAction", { id }, "action"), { text: "from a mutation", type: "text/csv", size: 15 });
    const fromAction = await run(server, "files:storeInAction", { text: "from an action", type: "application/x-test" }, "action");
    assert.deepEqual(await run(server, "files:getText", { id: fromAction }, "mutation"), {
      text: "from an action",
      type: "application/x-test",
    });
    const served = await fetch(`${server.api.url}/api/storage/${fromAction}`);
    assert.equal(served.headers.get("content-type"), "application/x-test");
    assert.equal(await served.text(), "from an action");
  });

  test("store(blob, {sha256}) checks the digest with the backend's message", async () => {
    const right = sha256("checked").toString("base64");
    const id = await run(server, "files:storeInAction", { text: "checked", type: "", sha256: right }, "action");
    assert.equal((await run(server, "files:getMetadata", { id }, "query")).sha256, sha256("checked").toString("hex"));
    const wrong = sha256("other").toString("base64");
    assert.equal(
      await failure(server, "files:storeInAction", { text: "checked", type: "", sha256: wrong }, "action"),
      `Uncaught Error: Sha256 mismatch. Expected: ${wrong} Actual: ${right}`,
    );
  });

  test("an HTTP action reads a file back with ctx.storage.get", async () => {
    const id = await storeViaHttpAction(server, "read me", "text/x-readme");
    const response = await server.get(`/get?id=${id}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-blob-type"), "text/x-readme");
    assert.equal(await response.text(), "read me");
    await run(server, "files:remove", { id }, "mutation");
    assert.equal((await server.get(`/get?id=${id}`)).status, 404);
  });

  test("queries cannot write files", async () => {
    const id = await storeViaHttpAction(server, "read-only");
    assert.equal(
      await failure(server, "files:deleteFromQuery", { id }, "query"),
      "Uncaught Error: ctx.storage.delete() cannot be called from a query: queries are read-only. Call it from a mutation or an action.",
    );
    assert.equal(fileExists(server, id), true);
  });

  test("IDs of other tables, garbage and legacy UUIDs are told apart like the backend does", async () => {
    const noteId = await run(server, "files:addNote", { text: "not a file" }, "mutation");
    assert.equal(
      await failure(server, "files:getUrlOfString", { id: noteId }, "query"),
      "Uncaught Error: Invalid storage ID. Storage ID cannot be an ID on any table other than '_storage'.",
    );
    assert.equal(
      await failure(server, "files:getUrlOfString", { id: "../../etc/passwd" }, "query"),
      "Uncaught Error: Invalid argument `storageId` for `storage.getUrl`: Invalid storage ID: \"../../etc/passwd\". Storage ID should be an Id of '_storage' table, or a UUID string.",
    );
    assert.equal(await run(server, "files:getUrlOfString", { id: "3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e" }, "query"), null);
    assert.equal(
      await failure(server, "files:removeInAction", { id: noteId }, "action"),
      "Uncaught Error: Invalid storage ID. Storage ID cannot be an ID on any table other than '_storage'.",
    );
  });

  test("the download endpoint reads nothing outside the files folder", async () => {
    // Bait: readable files next to and inside the files folder, none of them a stored file.
    writeFileSync(join(server.dataDir, "secret.txt"), "SECRET-OUTSIDE");
    writeFileSync(join(server.dataDir, "files", "notes.txt"), "SECRET-INSIDE");
    const noteId: string = await run(server, "files:addNote", { text: "a note" }, "mutation");
    const attempts = [
      "/api/storage/..%2Fsecret.txt",
      "/api/storage/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
      "/api/storage/%2e%2e%2fsecret.txt",
      "/api/storage/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
      "/api/storage/..%5csecret.txt",
      "/api/storage/notes.txt",
      "/api/storage/.tmp",
      "/api/storage/data.sqlite",
      `/api/storage/${noteId}`,
      "/api/storage/upload",
      "/api/storage/%00",
    ];
    for (const path of [...attempts, "/api/storage/../secret.txt", "/api/storage/../../etc/passwd", "/api/storage/x/../../secret.txt"]) {
      // A raw request line: fetch would resolve the dots before sending.
      const { status, body } = await rawGet(server.api.port, path);
      assert.equal(status, 404, `${path} → ${status}`);
      assert.doesNotMatch(body, /SECRET|root:|SQLite/, path);
    }
    for (const path of attempts) assert.equal((await fetch(`${server.api.url}${path}`)).status, 404, path);
  });

  test("HEAD and single byte ranges are served; several ranges are refused", async () => {
    const id = await storeViaHttpAction(server, "0123456789", "text/plain");
    const url = `${server.api.url}/api/storage/${id}`;
    const head = await fetch(url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), "10");
    assert.equal(head.headers.get("content-type"), "text/plain");
    assert.equal(await head.text(), "");
    const part = await fetch(url, { headers: { range: "bytes=2-5" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), "bytes 2-5/10");
    assert.equal(part.headers.get("content-length"), "4");
    assert.equal(await part.text(), "2345");
    const tail = await fetch(url, { headers: { range: "bytes=-3" } });
    assert.equal(await tail.text(), "789");
    assert.equal((await fetch(url, { headers: { range: "bytes=0-1,4-5" } })).status, 416);
    assert.equal((await fetch(url, { headers: { range: "bytes=50-" } })).status, 416);
  });

  test("the storage endpoints answer cross-origin requests from pages on this machine like the backend; other pages are refused", async () => {
    const preflight = await fetch(`${server.api.url}/api/storage/upload?token=x`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "http://localhost:5173");
    assert.equal(preflight.headers.get("access-control-allow-credentials"), "true");
    assert.equal(preflight.headers.get("access-control-allow-methods"), "GET,POST,OPTIONS,PATCH,DELETE,PUT");
    assert.equal(preflight.headers.get("access-control-allow-headers"), "content-type");
    assert.equal(preflight.headers.get("access-control-max-age"), "86400");
    const uploadUrl: string = await run(server, "files:generateUploadUrl", {}, "mutation");
    const upload = await fetch(uploadUrl, { method: "POST", body: "cors", headers: { origin: "http://localhost:5173" } });
    assert.equal(upload.headers.get("access-control-allow-origin"), "http://localhost:5173");
    const { storageId } = (await upload.json()) as { storageId: string };
    const get = await fetch(`${server.api.url}/api/storage/${storageId}`, { headers: { origin: "http://127.0.0.1:3000" } });
    assert.equal(get.headers.get("access-control-allow-origin"), "http://127.0.0.1:3000");
    assert.equal(await get.text(), "cors");
    const missing = await fetch(`${server.api.url}/api/storage/nope`, { headers: { origin: "http://127.0.0.1:3000" } });
    assert.equal(missing.headers.get("access-control-allow-origin"), "http://127.0.0.1:3000");
    // A page elsewhere (without --allow-origin) gets neither the file nor CORS headers.
    const foreign = await fetch(`${server.api.url}/api/storage/${storageId}`, { headers: { origin: "https://app.example" } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
    assert.doesNotMatch(await foreign.text(), /^cors$/);
    // Without Origin (an <img>, curl) the file is served as before.
    assert.equal(await (await fetch(`${server.api.url}/api/storage/${storageId}`)).text(), "cors");
  });
});

/** GET with the path sent exactly as given (no URL normalization on the way). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("latin1") }));
    });
    req.on("error", reject);
    req.end();
  });
}

// File names come only from canonical `_storage` IDs; temp files respect the size limit; the
// storageId argument is parsed with the backend's errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore, FileTooLargeError } from "../../runtime/storage/file-store";
import { canonicalStorageId, parseStorageIdArg } from "../../runtime/storage/storage-ids";
import { base32Decode, encodeId, FIRST_USER_TABLE_NUMBER, SYSTEM_TABLE_NUMBERS } from "../../runtime/store/ids";

const STORAGE = SYSTEM_TABLE_NUMBERS._storage!;

test("only canonical `_storage` IDs name files", () => {
  const dir = mkdtempSync(join(tmpdir(), "convex-lens-files-"));
  try {
    const files = new FileStore(dir);
    const id = encodeId(STORAGE);
    assert.equal(files.pathOf(id), join(dir, "files", id));
    for (const bad of ["..", "../x", "a/b", "%2e%2e", ".tmp", "", encodeId(FIRST_USER_TABLE_NUMBER), `${id}/..`, id.toUpperCase()]) {
      assert.throws(() => files.pathOf(bad), /Not a storage ID/, bad);
    }
    // 19 bytes take 31 base32 characters: the last one carries 3 unused bits. Flipping one gives
    // another spelling of the same ID, which maps to the canonical name but never names a file.
    const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    const variant = id.slice(0, -1) + alphabet[alphabet.indexOf(id.at(-1)!) ^ 1];
    assert.notEqual(variant, id);
    assert.deepEqual(base32Decode(variant), base32Decode(id));
    assert.equal(canonicalStorageId(variant), id);
    assert.throws(() => files.pathOf(variant), /Not a storage ID/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a temp file over the limit is refused and removed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "convex-lens-files-"));
  try {
    const files = new FileStore(dir);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(1000));
      },
    });
    await assert.rejects(files.writeTemp(stream, 5000), FileTooLargeError);
    assert.deepEqual(readdirSync(join(dir, "files", ".tmp")), []);
    const temp = await files.writeTemp(new Uint8Array([1, 2, 3]), 3);
    assert.equal(temp.size, 3);
    assert.equal(temp.sha256.toString("hex"), "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("storageId arguments are parsed like FileStorageId::from_str", () => {
  const id = encodeId(STORAGE);
  assert.deepEqual(parseStorageIdArg("storage.getUrl", { storageId: id }), { kind: "id", id });
  assert.deepEqual(parseStorageIdArg("storage.getUrl", { storageId: "3F2B8C1E-4D5A-4B6C-9D7E-8F9A0B1C2D3E" }), {
    kind: "legacy",
    text: "3F2B8C1E-4D5A-4B6C-9D7E-8F9A0B1C2D3E",
  });
  assert.throws(() => parseStorageIdArg("storage.getUrl", { storageId: encodeId(FIRST_USER_TABLE_NUMBER) }), {
    message: "Invalid storage ID. Storage ID cannot be an ID on any table other than '_storage'.",
  });
  assert.throws(() => parseStorageIdArg("storage.delete", { storageId: "nope" }), {
    message:
      "Invalid argument `storageId` for `storage.delete`: Invalid storage ID: \"nope\". Storage ID should be an Id of '_storage' table, or a UUID string.",
  });
  assert.throws(() => parseStorageIdArg("storage.getMetadata", {}), {
    message: "Invalid arguments for `storage.getMetadata`: missing field `storageId`",
  });
});

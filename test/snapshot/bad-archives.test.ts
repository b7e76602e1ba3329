// A bad archive is refused with the archive, the file inside it and the line, and the data folder
// it was to replace is left byte for byte as it was, with nothing left behind.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { encodeId } from "../../runtime/store/ids";
import { importSnapshot } from "../../runtime/snapshot/import-snapshot";
import { jsonl, seededFolder, tempDir, writeZip } from "./snapshot-helpers";

const UNIFORM = `${JSON.stringify("uniform")}\n`;
let dataDir: string;
let zips: string;

/** Every file of a folder with a digest of its bytes. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

before(async () => {
  dataDir = (await seededFolder()).dataDir;
  zips = tempDir("bad-zips");
});

async function refused(name: string, entries: Record<string, string | Buffer> | null, expected: RegExp): Promise<void> {
  const zip = entries === null ? join(zips, name) : await writeZip(join(zips, name), entries);
  const before = fingerprint(dataDir);
  await assert.rejects(importSnapshot({ zipPath: zip, dataDir, replace: true }), (error: Error) => {
    assert.match(error.message, expected);
    return true;
  });
  assert.deepEqual(fingerprint(dataDir), before, `${name}: the data folder is as it was`);
}

test("a file that is not a ZIP, or no file at all", async () => {
  writeFileSync(join(zips, "notes.zip"), "just some text, not an archive\n");
  await refused("notes.zip", null, /^notes\.zip: is not a ZIP archive \(.+\)\. Use the ZIP that `npx convex export`/);
  await refused("missing.zip", null, /^missing\.zip: there is no such file/);
});

test("a ZIP without documents, or with a generated schema but no documents", async () => {
  await refused(
    "empty.zip",
    { "README.md": "hello\n" },
    /^empty\.zip: is a ZIP archive, but not a Convex snapshot: it has no <table>\/documents\.jsonl$/,
  );
  await refused(
    "schema-only.zip",
    { "users/generated_schema.jsonl": UNIFORM },
    /^schema-only\.zip: users\/generated_schema\.jsonl has no documents\.jsonl beside it: the documents of users are missing$/,
  );
});

test("a documents.jsonl whose bytes are damaged", async () => {
  const line = `{"_id":"${encodeId(10001)}","name":"a line long enough to find in the archive"}\n`;
  const zip = await writeZip(join(zips, "garbled.zip"), { "users/documents.jsonl": line }, { compress: false });
  const bytes = readFileSync(zip);
  const at = bytes.indexOf("long enough");
  bytes[at] = "L".charCodeAt(0);
  writeFileSync(zip, bytes);
  await refused("garbled.zip", null, /^garbled\.zip: users\/documents\.jsonl: is damaged \(its CRC-32 does not match its bytes\)$/);
});

test("a line that is not JSON, not an object, or a document without _id", async () => {
  const id = encodeId(10001);
  await refused(
    "not-json.zip",
    {
      "users/documents.jsonl": jsonl({ _id: id, name: "ok" }, `{"_id": "${encodeId(10001)}", "name": `),
      "users/generated_schema.jsonl": UNIFORM,
    },
    /^not-json\.zip: users\/documents\.jsonl line 2: is not JSON \(unexpected end of the line at column \d+\)$/,
  );
  await refused(
    "array.zip",
    { "users/documents.jsonl": jsonl([1, 2]) },
    /^array\.zip: users\/documents\.jsonl line 1: is not a JSON object/,
  );
  await refused(
    "no-id.zip",
    { "users/documents.jsonl": jsonl({ _id: id }, { name: "no id" }) },
    /^no-id\.zip: users\/documents\.jsonl line 2: has no _id: every document of a snapshot keeps its ID/,
  );
  await refused("bad-id.zip", { "users/documents.jsonl": jsonl({ _id: "user-1" }) }, /line 1: _id "user-1" is not a Convex document ID/);
  await refused(
    "two-tables.zip",
    { "users/documents.jsonl": jsonl({ _id: id }, { _id: encodeId(10002) }) },
    /line 2: _id \w+ is an ID of table number 10002, but the table's first document gives this table number 10001/,
  );
  await refused(
    "twice.zip",
    { "users/documents.jsonl": jsonl({ _id: id }, { _id: id }) },
    /line 2: _id \w+ is the ID of an earlier document too/,
  );
  await refused(
    "dollar.zip",
    { "users/documents.jsonl": `{"_id":"${id}","price":{"$cents":5}}\n`, "users/generated_schema.jsonl": UNIFORM },
    /users\/documents\.jsonl line 1: is not JSON \(field names cannot start with "\$" \("\$cents"\)/,
  );
});

test("an invalid table or component name", async () => {
  await refused(
    "table.zip",
    { "bad-table/documents.jsonl": "" },
    /^table\.zip: bad-table\/documents\.jsonl: table name "bad-table" is not valid/,
  );
  await refused(
    "listed.zip",
    { "_tables/documents.jsonl": jsonl({ name: "ok", id: 10001 }, { name: "_hidden", id: 10002 }) },
    /^listed\.zip: _tables\/documents\.jsonl line 2: table name "_hidden" is not valid$/,
  );
  await refused("component.zip", { "_components/no-dash/t/documents.jsonl": "" }, /component name "no-dash" is not valid/);
});

test("an older generated schema, and a file whose bytes are missing or wrong", async () => {
  await refused(
    "legacy.zip",
    { "users/documents.jsonl": jsonl({ _id: encodeId(10001) }), "users/generated_schema.jsonl": jsonl('"{name: string}"') },
    /users\/generated_schema\.jsonl line 1: describes the table's values in an older export format/,
  );
  const file = encodeId(40);
  await refused(
    "no-bytes.zip",
    { "_storage/documents.jsonl": jsonl({ _id: file, size: 3 }) },
    new RegExp(`_storage/documents\\.jsonl line 1: describes the file ${file}, whose bytes \\(_storage/${file}\\) are not in the archive`),
  );
  await refused(
    "wrong-bytes.zip",
    {
      "users/documents.jsonl": jsonl({ _id: encodeId(10001), name: "written before the files" }),
      "_storage/documents.jsonl": jsonl({ _id: file, sha256: createHash("sha256").update("abc").digest("base64") }),
      [`_storage/${file}`]: "abd",
    },
    new RegExp(`_storage/${file}: does not match the sha256 of its _storage line`),
  );
  assert.deepEqual(
    readdirSync(dataDir).filter((name) => name.startsWith(".")),
    [],
    "no staging folder is left behind",
  );
});

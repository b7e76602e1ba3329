// A ZIP written by hand in the layout of `npx convex export --include-file-storage`: tables
// numbered per namespace as the backend numbers them (the component's first table is 10001 like
// the app's, each `_storage` has the same number), values in the export format, file names with
// an extension. The app's IDs stay; the component's tables move to free numbers, and their IDs and
// the references to them follow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { decodeId, encodeId } from "../../runtime/store/ids";
import { runCli } from "../helpers/cli-process";
import { serveFixture } from "../helpers/serve-fixture";
import { jsonl, readFolder, tempDir, writeZip } from "./snapshot-helpers";

const STORAGE_NUMBER = 40;
// generated_schema.jsonl as the export writes it: the JSON string "uniform".
const UNIFORM = `${JSON.stringify("uniform")}\n`;
const moved = (id: string, tableNumber: number) => encodeId(tableNumber, decodeId(id)!.internalId);
const int64 = (n: bigint) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(n);
  return { $integer: bytes.toString("base64") };
};
const sha256 = (text: string) => createHash("sha256").update(text).digest("base64");

test("a ZIP in the npx convex export layout imports with its IDs, values, files and component tables", async () => {
  const ada = encodeId(10001);
  const alan = encodeId(10001);
  const post = encodeId(10002);
  const comment = encodeId(10003);
  const avatar = encodeId(STORAGE_NUMBER);
  const visits = encodeId(10001); // the component's `counters`, numbered in its own namespace
  const counterFile = encodeId(STORAGE_NUMBER);
  // Written as text: `1815` is an int64, `1.0` a float64, `-0.0` the float -0.
  const zip = await writeZip(join(tempDir("zip"), "snapshot_1700000000.zip"), {
    "README.md": "a snapshot\n",
    "_tables/documents.jsonl": jsonl({ name: "authors", id: 10001 }, { name: "posts", id: 10002 }, { name: "comments", id: 10003 }),
    "authors/documents.jsonl": jsonl(
      `{"_creationTime":1700000000000.5,"_id":"${ada}","avatar":"${avatar}","born":1815,"name":"Ada"}`,
      `{"_creationTime":1700000000001.0,"_id":"${alan}","born":-9007199254740993,"name":"Alan"}`,
    ),
    "authors/generated_schema.jsonl": UNIFORM,
    "posts/documents.jsonl": jsonl(
      `{"_creationTime":1700000000002.0,"_id":"${post}","author":"${ada}","digest":{"$bytes":"AAH+/w=="},"meta":{"counterFile":"${counterFile}","counts":{"far":{"$float":"AAAAAAAA8H8="},"ratio":1.0,"views":12345678901234,"zero":-0.0},"tags":["a"]},"title":"Notes"}`,
    ),
    "posts/generated_schema.jsonl": UNIFORM,
    "comments/documents.jsonl": jsonl(
      `{"_creationTime":1700000000003.0,"_id":"${comment}","author":"${alan}","post":"${post}","score":4.25,"text":"First!"}`,
    ),
    "comments/generated_schema.jsonl": UNIFORM,
    "_components/counter/_tables/documents.jsonl": jsonl({ name: "counters", id: 10001 }, { name: "log", id: 10002 }),
    "_components/counter/counters/documents.jsonl": jsonl(
      `{"_creationTime":1700000000004.0,"_id":"${visits}","name":"visits","value":7.0}`,
    ),
    "_components/counter/counters/generated_schema.jsonl": UNIFORM,
    "_components/counter/log/documents.jsonl": "",
    "_components/counter/log/generated_schema.jsonl": UNIFORM,
    "_storage/documents.jsonl": jsonl({
      _id: avatar,
      _creationTime: 1699999999999.5,
      sha256: sha256("portrait bytes"),
      size: 14,
      contentType: "image/png",
      internalId: "9d1f3c1a-5b6e-4c59-9d41-7d3c2c3f1e2a",
    }),
    [`_storage/${avatar}.png`]: "portrait bytes",
    "_components/counter/_storage/documents.jsonl": jsonl({
      _id: counterFile,
      _creationTime: 1699999999998.0,
      sha256: sha256("the counter's file"),
      size: 18,
      contentType: null,
    }),
    [`_components/counter/_storage/${counterFile}`]: "the counter's file",
  });
  const dataDir = join(tempDir("imported"), "data");
  const imported = runCli(["import", zip, "--data", dataDir]);
  assert.equal(await imported.exited, 0, imported.output());
  assert.match(imported.output(), /5 tables, 5 documents, 2 files\./);
  assert.match(imported.output(), /got new IDs .*: counter\/counters, counter\/log, counter\/_storage/);

  const { tables, files } = await readFolder(dataDir);
  // The app's documents keep their IDs; the values keep their types.
  const authors = tables.get("authors")!;
  assert.deepEqual(
    authors.find((doc) => doc._id === ada),
    { _creationTime: 1700000000000.5, _id: ada, avatar, born: int64(1815n), name: "Ada" },
  );
  assert.deepEqual(authors.find((doc) => doc._id === alan)?.born, int64(-9007199254740993n));
  const [stored] = tables.get("posts")!;
  const newCounterFile = moved(counterFile, STORAGE_NUMBER + 1);
  assert.deepEqual(stored, {
    _creationTime: 1700000000002,
    _id: post,
    author: ada,
    digest: { $bytes: "AAH+/w==" },
    meta: {
      counterFile: newCounterFile,
      counts: { far: { $float: "AAAAAAAA8H8=" }, ratio: 1, views: int64(12345678901234n), zero: { $float: "AAAAAAAAAIA=" } },
      tags: ["a"],
    },
    title: "Notes",
  });
  // The component's tables moved past the app's numbers, its file past the app's _storage.
  assert.deepEqual(tables.get("counter/counters"), [{ _creationTime: 1700000000004, _id: moved(visits, 10004), name: "visits", value: 7 }]);
  assert.deepEqual(tables.get("counter/log"), []);
  assert.deepEqual(tables.get("_storage"), [
    { _creationTime: 1699999999999.5, _id: avatar, contentType: "image/png", sha256: sha256("portrait bytes"), size: 14 },
  ]);
  assert.deepEqual(tables.get("counter/_storage"), [
    { _creationTime: 1699999999998, _id: newCounterFile, sha256: sha256("the counter's file"), size: 18 },
  ]);
  assert.equal(files.get(avatar)?.toString(), "portrait bytes");
  assert.equal(files.get(newCounterFile)?.toString(), "the counter's file");

  // The project runs on it: references, files and the component's table resolve.
  const server = await serveFixture("snapshot-app", { dataDir });
  try {
    const page = (await (await server.get(`/post?id=${post}`)).json()) as Record<string, unknown>;
    assert.deepEqual(
      { ...page, avatarUrl: new URL(String(page.avatarUrl)).pathname },
      {
        title: "Notes",
        author: "Ada",
        born: "1815",
        avatarUrl: `/api/storage/${avatar}`,
        commenters: ["Alan"],
        visits: 7,
      },
    );
    assert.deepEqual(await (await server.get(`/counter-file?id=${newCounterFile}`)).json(), { text: "the counter's file" });
  } finally {
    await server.stop();
  }
});

// @convex-dev/persistent-text-streaming, unchanged, through a real serve of
// test/fixtures/text-streaming-app (and once through the `convex-lens serve` process). The app's
// HTTP action returns the package's streaming Response at once and keeps writing through its ctx
// (`addChunk` mutations) while the body streams. The writer sends its first sentence, then waits
// for a gate that this test opens only after it has read that sentence from the response: the
// first chunk provably arrives before the rest exist.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { copyFixture, startServe, valueOfCall } from "../reliability/support";
import { call, documents, waitFor } from "./published-support";

/** What the fixture's writer appends (test/fixtures/text-streaming-app/convex/http.ts). */
const CHUNKS = ["The first sentence. ", "Then a second ", "one, in two parts! ", "And the end?"];
const WHOLE = CHUNKS.join("");

let server: FixtureServer;

before(async () => {
  server = await serveFixture("text-streaming-app");
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
});

after(async () => {
  await server?.stop();
});

const startStream = (streamId: string, signal?: AbortSignal) =>
  server.get("/chat-stream", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ streamId }),
    signal,
  });
const bodyOf = (streamId: string) => call<{ text: string; status: string }>(server, "streams:body", { streamId });

/** Reads from `reader` until at least `length` characters have come. */
async function readAtLeast(reader: ReadableStreamDefaultReader<Uint8Array>, length: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  while (text.length < length) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

async function readToEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

test("the response streams: the first chunk arrives while the writer still waits, and is already stored", async () => {
  const streamId = await call<string>(server, "streams:create");
  assert.deepEqual(await bodyOf(streamId), { text: "", status: "pending" });

  const response = await startStream(streamId);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(response.headers.get("content-length"), null, "a streamed body has no length up front");
  const reader = response.body!.getReader();
  assert.equal(await readAtLeast(reader, CHUNKS[0]!.length), CHUNKS[0]);

  // The action returned its Response long ago; its ctx still wrote the first sentence.
  assert.deepEqual(await bodyOf(streamId), { text: CHUNKS[0], status: "streaming" });

  await call(server, "streams:openGate", { streamId });
  assert.equal(await readToEnd(reader), CHUNKS.slice(1).join(""));

  await waitFor(
    async () => (await bodyOf(streamId)).status === "done",
    15_000,
    () => "the stream to be done",
  );
  assert.deepEqual(await bodyOf(streamId), { text: WHOLE, status: "done" });
  // Stored at the ends of sentences, then a final (empty) flush that marks it done.
  const chunks = (await documents(server, "persistentTextStreaming/chunks")).filter((doc) => doc.streamId === streamId);
  assert.deepEqual(
    chunks.map((doc) => doc.text),
    ["The first sentence. ", "Then a second one, in two parts! ", "And the end?", ""],
  );
});

test("a stream that has started cannot be streamed again", async () => {
  const streamId = await call<string>(server, "streams:create");
  const first = await startStream(streamId);
  const reader = first.body!.getReader();
  await readAtLeast(reader, CHUNKS[0]!.length);
  const again = await startStream(streamId);
  assert.equal(again.status, 205);
  await call(server, "streams:openGate", { streamId });
  assert.equal(await readToEnd(reader), CHUNKS.slice(1).join(""));
});

test("a client that goes away does not stop the writer: the whole text is still stored", async () => {
  const streamId = await call<string>(server, "streams:create");
  const abort = new AbortController();
  const response = await startStream(streamId, abort.signal);
  await readAtLeast(response.body!.getReader(), CHUNKS[0]!.length);
  abort.abort();
  await call(server, "streams:openGate", { streamId });
  await waitFor(
    async () => (await bodyOf(streamId)).status === "done",
    15_000,
    () => "the stream to be done",
  );
  assert.deepEqual(await bodyOf(streamId), { text: WHOLE, status: "done" });
});

test("deleting a stream removes it, and the component's scheduled `.paginate()` job removes its chunks", async () => {
  const streamId = await call<string>(server, "streams:create");
  const reader = (await startStream(streamId)).body!.getReader();
  await readAtLeast(reader, CHUNKS[0]!.length);
  await call(server, "streams:openGate", { streamId });
  await readToEnd(reader);
  await waitFor(
    async () => (await bodyOf(streamId)).status === "done",
    15_000,
    () => "the stream to be done",
  );

  await call(server, "streams:remove", { streamId });
  const chunksOfStream = async () => (await documents(server, "persistentTextStreaming/chunks")).filter((doc) => doc.streamId === streamId);
  await waitFor(
    async () => (await chunksOfStream()).length === 0,
    15_000,
    () => "the stream's chunks to be deleted",
  );
  assert.ok(!(await documents(server, "persistentTextStreaming/streams")).some((doc) => doc._id === streamId));
  // The job ran in the component and is recorded there (its completion is written just after its commit).
  let jobs: Array<Record<string, unknown>> = [];
  const refreshJobs = async () => {
    jobs = await documents(server, "persistentTextStreaming/_scheduled_functions");
    return jobs;
  };
  await waitFor(
    async () =>
      (await refreshJobs()).some((job) => job.name === "lib.js:_deleteChunksPage" && (job.state as { kind: string }).kind === "success"),
    15_000,
    () => `the _deleteChunksPage job to succeed (${JSON.stringify(jobs)})`,
  );
});

test("the same through the `convex-lens serve` CLI: the function API and the site stream as a client sees them", async () => {
  const project = copyFixture("text-streaming-app");
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-text-streaming-"));
  const child = await startServe(project, dataDir);
  try {
    const streamId = await valueOfCall<string>(child.api, "mutation", "streams:create");
    const response = await fetch(`${child.site}/chat-stream`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ streamId }),
    });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    assert.equal(await readAtLeast(reader, CHUNKS[0]!.length), CHUNKS[0]);
    assert.deepEqual(await valueOfCall(child.api, "query", "streams:body", { streamId }), { text: CHUNKS[0], status: "streaming" });
    await valueOfCall(child.api, "mutation", "streams:openGate", { streamId });
    assert.equal(await readToEnd(reader), CHUNKS.slice(1).join(""));
    await waitFor(
      async () => (await valueOfCall<{ status: string }>(child.api, "query", "streams:body", { streamId })).status === "done",
      15_000,
      () => "the stream to be done",
    );
    assert.deepEqual(await valueOfCall(child.api, "query", "streams:body", { streamId }), { text: WHOLE, status: "done" });
  } finally {
    assert.equal(await child.stop(), 0, "stops cleanly");
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

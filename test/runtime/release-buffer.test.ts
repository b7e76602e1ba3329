// releaseBuffer frees a whole-file buffer at once, and leaves alone what it must not touch.
import assert from "node:assert/strict";
import { test } from "node:test";
import { releaseBuffer } from "../../runtime/shared/release-buffer";

test("a large buffer that owns its memory is released while still referenced: its memory leaves the process's ArrayBuffers", async () => {
  const bytes = new Uint8Array(64 * 2 ** 20).fill(1);
  // Measured after the allocation: other buffers the process let go of may be collected meanwhile.
  const held = process.memoryUsage().arrayBuffers;
  const before = held - 64 * 2 ** 20;
  releaseBuffer(bytes);
  assert.equal(bytes.byteLength, 0); // detached
  // `bytes` is still referenced, so no garbage collection can be what frees it; the closed channel
  // drops the message holding its memory within a few turns of the event loop.
  for (let turn = 0; turn < 100 && process.memoryUsage().arrayBuffers >= before + 2 ** 20; turn++)
    await new Promise((done) => setImmediate(done));
  assert.ok(process.memoryUsage().arrayBuffers < before + 2 ** 20);
  assert.equal(bytes.byteLength, 0);
});

test("a slice of a larger buffer, a small buffer, a pooled Buffer and a shared one are left as they are", () => {
  const whole = new Uint8Array(4 * 2 ** 20).fill(2);
  const slice = whole.subarray(1024);
  releaseBuffer(slice);
  assert.equal(whole.byteLength, 4 * 2 ** 20);
  assert.equal(slice[0], 2);

  const small = new Uint8Array(1000).fill(3);
  releaseBuffer(small);
  assert.equal(small.byteLength, 1000);

  const pooled = Buffer.from("from Node's shared pool");
  const neighbour = Buffer.from("another Buffer in the same pool");
  releaseBuffer(pooled);
  assert.equal(pooled.toString(), "from Node's shared pool");
  assert.equal(neighbour.toString(), "another Buffer in the same pool");

  const shared = new Uint8Array(new SharedArrayBuffer(2 * 2 ** 20));
  releaseBuffer(shared);
  assert.equal(shared.byteLength, 2 * 2 ** 20);
});

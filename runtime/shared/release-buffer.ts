// Frees a large buffer soon (within a turn of the event loop) instead of at V8's next garbage
// collection. A checkpoint exports the whole sql.js database into a new buffer that is useless once
// written; dropped, it stays resident until a collection that can come seconds later, and so it
// adds its full size to the peak again when the database next grows or is exported
// (bench/where-the-memory-goes.md). Transferring its memory into a message on a channel that is
// then closed frees it: the channel discards the message.
//
// The caller must not use `bytes` afterwards (it is detached: length 0), nor anything else that
// shares its memory. Only a view over a whole ArrayBuffer is released; anything else (a slice of
// Node's shared pool for small Buffers, a SharedArrayBuffer) is left to the collector, as is a
// buffer that cannot be transferred.
import { MessageChannel } from "node:worker_threads";

/** Below this a buffer is left to the collector: freeing it early is not worth a channel. */
const WORTH_RELEASING_BYTES = 1024 * 1024;

export function releaseBuffer(bytes: Uint8Array): void {
  const buffer = bytes.buffer;
  if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength) return;
  if (buffer.byteLength < WORTH_RELEASING_BYTES) return;
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(null, [buffer]);
  } catch {
    // Not transferable (Node marks some buffers so): the collector frees it as before.
  } finally {
    port1.close();
    port2.close();
  }
}

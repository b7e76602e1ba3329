// Chunks joined into one fresh buffer of exactly `total` bytes: Buffer.concat may hand back a
// slice of a shared pool, which can be neither transferred to another thread nor handed out whole.
export function joinChunks(chunks: Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

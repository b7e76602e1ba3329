// Reads a request body with the backend's 20 MiB cap. A declared length over the cap is refused
// before reading; an undeclared (chunked) body is counted as it arrives and dropped at the cap.
export class BodyTooLargeError extends Error {}
/** The client went away (or broke the framing) before the whole body arrived. */
export class BodyAbortedError extends Error {}

export async function readBodyWithLimit(request: Request, limit: number): Promise<ArrayBuffer | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw new BodyTooLargeError();
  if (!request.body) return null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new BodyAbortedError(`The request body was cut off: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { value, done } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body.buffer;
}

// Reads a request body with the backend's 20 MiB cap. A declared length over the cap is refused
// before reading; an undeclared (chunked) body is counted as it arrives and dropped at the cap.
import type { IncomingMessage } from "node:http";
import { joinChunks } from "../shared/join-chunks";

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
  return joinChunks(chunks, total).buffer;
}

/**
 * The same limits, read straight from Node's request stream: the site server's hot path, where
 * building a web `Request` (headers object, abort signal, body stream) per request costs more than
 * a trivial HTTP action does.
 */
export function readIncomingBody(incoming: IncomingMessage, declaredLength: string | null, limit: number): Promise<ArrayBuffer> {
  if (declaredLength !== null && Number(declaredLength) > limit) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (error: Error | null) => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
      if (error) reject(error);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limit) {
        finish(new BodyTooLargeError());
        // Stop buffering; what is still on its way is read and dropped so the answer can go out.
        incoming.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      finish(null);
      resolve(joinChunks(chunks, total).buffer);
    };
    const onError = (error: Error) => finish(new BodyAbortedError(`The request body was cut off: ${error.message}`));
    const onClose = () => {
      if (!incoming.complete) finish(new BodyAbortedError("The request body was cut off: the client closed the connection"));
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}

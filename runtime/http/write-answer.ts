// Writes an HTTP action's answer to Node's response, without web Response objects (the site
// server's hot path): a complete body in one write with its length, a streamed one chunk by chunk.
// A stream that breaks after its head went out (an error in user code, a body past the 20 MiB
// limit) is cut off without HTTP's end-of-body mark, so that clients see a truncated body and
// not a complete one; and it is not the server's error to log (the worker logged why).
import type { ServerResponse } from "node:http";
import type { HttpAnswer } from "../host/user-code-worker";

/** What @hono/node-server puts on a body without a content type; kept so answers do not change. */
const DEFAULT_CONTENT_TYPE = "text/plain; charset=UTF-8";

type CompleteAnswer = Extract<HttpAnswer, { body: Uint8Array | null }>;
type StreamedAnswer = Extract<HttpAnswer, { stream: ReadableStream<Uint8Array> }>;

/** The answer's headers, flat as writeHead takes them, less the framing ones we set ourselves. */
function headLines(headers: Array<[string, string]>, hasBody: boolean) {
  const flat: string[] = [];
  let hasContentType = false;
  let declaredLength: string | null = null;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower === "content-length") {
      declaredLength = value;
      continue;
    }
    if (lower === "transfer-encoding") continue;
    if (lower === "content-type") hasContentType = true;
    flat.push(name, value);
  }
  if (hasBody && !hasContentType) flat.push("content-type", DEFAULT_CONTENT_TYPE);
  return { flat, declaredLength };
}

/** Writes an answer whose body is all here: head and body in one write, with its length. */
export function writeComplete(outgoing: ServerResponse, method: string, answer: CompleteAnswer): void {
  const { flat, declaredLength } = headLines(answer.headers, answer.body !== null);
  if (answer.body !== null) {
    // Our length is the body's own: a length from user code cannot disagree with it. A HEAD
    // answer has no body here but may say how long the GET would have been.
    flat.push("content-length", method === "HEAD" && declaredLength !== null ? declaredLength : String(answer.body.byteLength));
  }
  outgoing.writeHead(answer.status, flat);
  if (answer.body === null || answer.body.byteLength === 0) outgoing.end();
  else outgoing.end(answer.body);
}

/**
 * Writes an answer whose body streams from the worker: chunked, unless user code declared a
 * length (then a body that falls short of it is cut off too). Resolves when it is over, however.
 */
export async function writeStreamed(outgoing: ServerResponse, answer: StreamedAnswer): Promise<void> {
  const { flat, declaredLength } = headLines(answer.headers, true);
  const length = declaredLength !== null && /^\d+$/.test(declaredLength.trim()) ? Number(declaredLength) : null;
  if (length !== null) flat.push("content-length", String(length));
  const reader = answer.stream.getReader();
  // The client went away: the worker stops producing the body (the stream's cancel tells it).
  outgoing.once("close", () => {
    if (!outgoing.writableFinished) void reader.cancel().catch(() => undefined);
  });
  let written = 0;
  try {
    outgoing.writeHead(answer.status, flat);
    outgoing.flushHeaders();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (outgoing.destroyed) return;
      written += value.byteLength;
      if (length !== null && written > length) throw new Error("the body is longer than its declared length");
      if (!outgoing.write(value)) await drained(outgoing);
    }
    if (length !== null && written !== length) throw new Error("the body does not have its declared length");
    outgoing.end();
  } catch {
    outgoing.destroy();
  }
}

function drained(outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off("drain", done);
      outgoing.off("close", done);
      resolve();
    };
    outgoing.on("drain", done);
    outgoing.on("close", done);
  });
}

// Writes an HTTP action's answer to Node's response, without web Response objects (the site
// server's hot path): a complete body in one write with its length.
import type { ServerResponse } from "node:http";
import type { HttpAnswer } from "../host/user-code-worker";

/** What @hono/node-server puts on a body without a content type; kept so answers do not change. */
const DEFAULT_CONTENT_TYPE = "text/plain; charset=UTF-8";

type CompleteAnswer = Extract<HttpAnswer, { body: Uint8Array | null }>;

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

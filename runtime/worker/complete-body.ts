// The body of a `Response` made from a string or bytes (`new Response("ok")`, `Response.json`),
// without reading it through its web stream.
//
// undici keeps the value a body was made from beside the stream it made for it. Reading that
// stream (a reader, a pull, a chunk, a close, each through promises) cost about 10 µs of CPU per
// HTTP action, as much as the rest of answering a trivial one (bench/where-the-time-goes.md,
// figure 1). When the body is still the untouched stream of such a value, the value is the body:
// it is encoded (or copied) here, and the stream is canceled, so the response is as used up as if
// it had been read. Anything else (a stream from user code, a Blob, form data, a body already
// read or locked, or a Node version that keeps the value elsewhere) is read through the stream.

/** undici's key for a Response's internal state, checked once on a probe; null where it differs. */
const stateKey: symbol | null = findStateKey();

interface BodyState {
  body?: { source?: unknown } | null;
}

function findStateKey(): symbol | null {
  try {
    const probe = new Response("probe");
    const key = Object.getOwnPropertySymbols(probe).find((symbol) => symbol.description === "state");
    if (key === undefined) return null;
    const state = (probe as unknown as Record<symbol, BodyState | undefined>)[key];
    return state?.body?.source === "probe" ? key : null;
  } catch {
    return null;
  }
}

const encoder = new TextEncoder();

/** The whole body in a buffer of its own, or null when it has to be read through its stream. */
export function completeBody(response: Response): Uint8Array | null {
  if (stateKey === null || response.body === null || response.bodyUsed || response.body.locked) return null;
  const source = (response as unknown as Record<symbol, BodyState | undefined>)[stateKey]?.body?.source;
  let bytes: Uint8Array;
  if (typeof source === "string") bytes = encoder.encode(source);
  // A copy: a clone of the response still reads the original.
  else if (source instanceof Uint8Array) bytes = source.slice();
  else return null;
  void response.body.cancel().catch(() => undefined);
  return bytes;
}

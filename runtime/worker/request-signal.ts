// The `Request` an HTTP action receives, with a `signal` that aborts when its client goes away.
//
// Passing `signal` to Node's `Request` makes the request's own signal *follow* ours: undici builds
// a second AbortController, a WeakRef, a FinalizationRegistry entry and an abort listener for it,
// which cost about 25 µs of CPU per request (more than routing and running a trivial action) and
// left weak cells for every scavenge to process (bench/where-the-time-goes.md, figure 1). Where
// undici keeps the signal under its `signal` symbol, the request is built without one and ours is
// put in its place: `request.signal` is then our controller's own AbortSignal, a real one, and
// clones follow it as usual. If a Node version keeps it elsewhere, the request follows our signal
// as the standard way does.

/** undici's own key for a Request's signal, checked once on a probe; null where it differs. */
const signalKey: symbol | null = findSignalKey();

function findSignalKey(): symbol | null {
  try {
    const probe = new Request("http://127.0.0.1/");
    const key = Object.getOwnPropertySymbols(probe).find((symbol) => symbol.description === "signal");
    if (key === undefined) return null;
    const controller = new AbortController();
    (probe as unknown as Record<symbol, unknown>)[key] = controller.signal;
    controller.abort();
    return probe.signal === controller.signal && probe.signal.aborted && probe.clone().signal.aborted ? key : null;
  } catch {
    return null;
  }
}

/** `new Request(url, init)` whose `signal` is `signal` (or follows it). */
export function requestWithSignal(url: string, init: Omit<RequestInit, "signal">, signal: AbortSignal): Request {
  if (signalKey === null) return new Request(url, { ...init, signal });
  const request = new Request(url, init);
  (request as unknown as Record<symbol, unknown>)[signalKey] = signal;
  return request;
}

// Mutations run once per client request, across reconnects. A client that reconnects sends again
// every mutation whose Transition it has not seen, including ones already answered (it relies on
// the backend to recognize them by session id and request id). The ledger keeps each session's
// recent mutations, running or done, so a repeat gets the first run's response instead of writing
// twice.
import type { ServerMessage } from "./protocol";

export type MutationResponse = Extract<ServerMessage, { type: "MutationResponse" }>;

/** Mutations remembered per client session (a client has few in flight at a time). */
const KEPT_PER_SESSION = 1000;
/** Client sessions remembered (each is one page load or client instance). */
const KEPT_SESSIONS = 1000;

export class MutationLedger {
  readonly #sessions = new Map<string, Map<number, Promise<MutationResponse>>>();

  /** The response of `requestId` in client session `sessionId`: a repeat waits for the first run's. */
  run(sessionId: string, requestId: number, work: () => Promise<MutationResponse>): Promise<MutationResponse> {
    let requests = this.#sessions.get(sessionId);
    if (requests) {
      // Most recently used last: the oldest session is the one forgotten.
      this.#sessions.delete(sessionId);
      this.#sessions.set(sessionId, requests);
    } else {
      requests = new Map();
      this.#sessions.set(sessionId, requests);
      if (this.#sessions.size > KEPT_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    }
    const earlier = requests.get(requestId);
    if (earlier) return earlier;
    const response = work();
    requests.set(requestId, response);
    if (requests.size > KEPT_PER_SESSION) requests.delete(requests.keys().next().value!);
    return response;
  }
}

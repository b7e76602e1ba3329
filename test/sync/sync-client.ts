// The real `convex` clients against a real serve of a fixture: ConvexClient from convex/browser
// with the `ws` package as its WebSocket (Node 20 has none), every socket it opens kept so a test
// can cut one, and every server message it receives kept in order.
import { ConvexClient } from "convex/browser";
import { type FunctionReference, makeFunctionReference } from "convex/server";
import WebSocket from "ws";

/** The sync-app fixture's channel list and the mutation that posts to a channel. */
export const listMessages = makeFunctionReference<"query", { channel: string }, string[]>("messages:list");
export const sendMessage = makeFunctionReference<"mutation", { channel: string; body: string }, string>("messages:send");

export interface SyncClient {
  client: ConvexClient;
  /** Every socket the client opened, oldest first. */
  sockets: WebSocket[];
  /** Every server message received, parsed, in order. */
  received: Array<Record<string, unknown>>;
}

export function connectClient(apiUrl: string): SyncClient {
  const sockets: WebSocket[] = [];
  const received: Array<Record<string, unknown>> = [];
  class TrackedWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
      this.on("message", (data) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
    }
  }
  const client = new ConvexClient(apiUrl, {
    webSocketConstructor: TrackedWebSocket as unknown as typeof globalThis.WebSocket,
    logger: false,
  });
  return { client, sockets, received };
}

/** A subscription's results and errors as they came, and a way to wait for the one a test expects. */
export interface Watched<T> {
  values: T[];
  errors: Error[];
  /** The first result (already received or still to come) for which `accept` holds. */
  next(accept: (value: T) => boolean): Promise<T>;
  nextError(accept: (error: Error) => boolean): Promise<Error>;
  unsubscribe(): void;
}

export function watch<Query extends FunctionReference<"query">>(
  client: ConvexClient,
  query: Query,
  args: Query["_args"],
): Watched<Query["_returnType"]> {
  type T = Query["_returnType"];
  const values: T[] = [];
  const errors: Error[] = [];
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const unsubscribe = client.onUpdate(
    query,
    args,
    (value) => {
      values.push(value);
      wake();
    },
    (error) => {
      errors.push(error);
      wake();
    },
  );
  const waitFor = <V>(list: V[], accept: (item: V) => boolean): Promise<V> =>
    new Promise((resolve) => {
      let seen = 0;
      const check = () => {
        for (; seen < list.length; seen++) {
          if (accept(list[seen]!)) return resolve(list[seen]!);
        }
        waiters.push(check);
      };
      check();
    });
  return {
    values,
    errors,
    next: (accept) => waitFor(values, accept),
    nextError: (accept) => waitFor(errors, accept),
    unsubscribe: () => unsubscribe(),
  };
}

/** Resolves once `condition` holds, checking every few milliseconds (the test's timeout bounds it). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

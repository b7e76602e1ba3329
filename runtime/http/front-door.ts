// The entrance of a server that listens before its routes exist. Both origins must listen before
// the runtime opens (user code sees their URLs), and their routes need the runtime; a request that
// reached the Hono app in between made Hono build its router, after which adding a route throws
// (and took the process down). Requests that arrive meanwhile wait here instead, and go in once
// the app is complete. When serving stops, new requests get a clear 503.
import type { Http2Bindings, HttpBindings } from "@hono/node-server";

type Bindings = HttpBindings | Http2Bindings;
export type FetchHandler = (request: Request, env: Bindings) => Response | Promise<Response>;
interface App {
  fetch(request: Request, env: Bindings): Response | Promise<Response>;
}

export class FrontDoor {
  #app: App | null = null;
  /** Set once the door closes: what every request is told from then on. */
  #closedWith: string | null = null;
  #wake: () => void = () => undefined;
  #opened = new Promise<void>((resolve) => (this.#wake = resolve));

  readonly fetch: FetchHandler = (request, env) => {
    if (this.#closedWith !== null) return unavailable(this.#closedWith);
    if (this.#app) return this.#app.fetch(request, env);
    return this.#opened.then(() => this.fetch(request, env));
  };

  /** Lets requests in, the waiting ones first. */
  open(app: App): void {
    this.#app = app;
    this.#wake();
  }

  /** Turns every request away from now on, the waiting ones too, with `message`. */
  close(message: string): void {
    this.#closedWith = message;
    this.#wake();
  }
}

function unavailable(message: string): Response {
  return new Response(message, { status: 503, headers: { "content-type": "text/plain; charset=utf-8", connection: "close" } });
}

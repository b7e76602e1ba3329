// A gate for streaming tests: an HTTP server on 127.0.0.1 whose requests wait until the test opens
// it. The basic fixture's /events route fetches `?gate=<url>` before its last event, so a test
// decides when a stream ends: after it saw what had to arrive first, without timing.
import { createServer, type ServerResponse } from "node:http";
import { after, before } from "node:test";
import type { EditableRequest } from "../../webview/protocol/response";
import { serveFixture, type FixtureServer } from "./serve-fixture";

export interface Gate {
  url: string;
  /** Answers every request waiting at the gate. */
  open(): void;
  /** Resolves once a request waits at the gate. */
  reached(): Promise<void>;
  close(): Promise<void>;
}

export async function startGate(): Promise<Gate> {
  const waiting: ServerResponse[] = [];
  let arrived: (() => void) | null = null;
  const server = createServer((_request, response) => {
    waiting.push(response);
    arrived?.();
    arrived = null;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const open = () => {
    for (const response of waiting.splice(0)) response.end("open");
  };
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/gate`,
    open,
    reached: () =>
      waiting.length > 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            arrived = resolve;
          }),
    close: async () => {
      open();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Registers the hooks of a test file that streams from the basic fixture's /events through a
 * gate: the runtime and the gate start before its tests and stop after them.
 */
export function gatedEvents(): { server(): FixtureServer; gate(): Gate; events(count: number): EditableRequest } {
  let server: FixtureServer | undefined;
  let gate: Gate | undefined;
  before(async () => {
    server = await serveFixture("basic");
    gate = await startGate();
  });
  after(async () => {
    await gate?.close();
    await server?.stop();
  });
  return {
    server: () => server!,
    gate: () => gate!,
    events: (count) => ({
      method: "GET",
      routePath: "/events",
      pathRest: "",
      query: `count=${count}&gate=${encodeURIComponent(gate!.url)}`,
      headers: [],
      body: "",
    }),
  };
}

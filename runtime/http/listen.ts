// Starts a server on loopback. It never replaces the host's global Request/Response (the
// extension host is shared with other extensions), and a taken port is a clear error. Every
// request passes the Host check (host-guard.ts) before anything else sees it.
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { FetchHandler } from "./front-door";
import { hostGuard, type GuardedRequest } from "./host-guard";

/** How long close() lets the answers in progress go out before it cuts their connections. */
const CLOSE_GRACE_MS = 2000;

export interface Listening {
  port: number;
  url: string;
  /** The Node server: the sync protocol takes its WebSocket upgrades (runtime/sync/). */
  server: Server;
  /**
   * Takes no new connection and closes the idle ones at once; the answers in progress go out
   * (bounded by a short grace), then the server is gone.
   */
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly flag: string,
  ) {
    super(`Port ${port} is already in use on 127.0.0.1. Stop whatever listens there, or pick another port with ${flag} <port>.`);
  }
}

export interface ListenOptions {
  /** Host names answered besides the loopback ones, as allowedNamesOf gives them. */
  allowedHosts?: readonly string[];
}

export function listen(handler: FetchHandler, port: number, flag: string, options: ListenOptions = {}): Promise<Listening> {
  const guard = hostGuard(options.allowedHosts ?? []);
  const fetch: FetchHandler = (request, env) => guard((env as { incoming: GuardedRequest }).incoming) ?? handler(request, env);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: "127.0.0.1", port, overrideGlobalObjects: false }, (info: AddressInfo) => {
      server.off("error", onError);
      resolve({
        server: server as Server,
        port: info.port,
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            const connections = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
            // A stuck client or a long download must not hold the stop up.
            const cut = setTimeout(() => connections.closeAllConnections?.(), CLOSE_GRACE_MS);
            cut.unref();
            server.close(() => {
              clearTimeout(cut);
              done();
            });
            // Idle keep-alive connections carry no state worth waiting for.
            connections.closeIdleConnections?.();
          }),
      });
    });
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, flag) : error);
    };
    server.once("error", onError);
  });
}

// Starts a Hono app on loopback. It never replaces the host's global Request/Response (the
// extension host is shared with other extensions), and a taken port is a clear error. Every
// request passes the Host check (host-guard.ts) before the app sees it.
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { hostGuard, type GuardedRequest } from "./host-guard";

export interface Listening {
  port: number;
  url: string;
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

export function listen(app: Hono, port: number, flag: string, options: ListenOptions = {}): Promise<Listening> {
  const guard = hostGuard(options.allowedHosts ?? []);
  return new Promise((resolve, reject) => {
    const fetch = (request: Request, env: { incoming: GuardedRequest }) => guard(env.incoming) ?? app.fetch(request, env);
    const server = serve({ fetch, hostname: "127.0.0.1", port, overrideGlobalObjects: false }, (info: AddressInfo) => {
      server.off("error", onError);
      resolve({
        port: info.port,
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive connections would hold close() open; they carry no state worth waiting for.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, flag) : error);
    };
    server.once("error", onError);
  });
}

// Starts a Hono app on loopback. It never replaces the host's global Request/Response (the
// extension host is shared with other extensions), and a taken port is a clear error.
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { AddressInfo } from "node:net";

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

export function listen(app: Hono, port: number, flag: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port, overrideGlobalObjects: false }, (info: AddressInfo) => {
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

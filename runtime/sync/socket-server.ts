// The sync WebSocket on the API origin's Node server: `/api/<client version>/sync` (and
// `/api/sync`), where the `convex` package's clients connect. An upgrade passes the same checks
// as every request of the origin first: the Host guard (DNS rebinding) and, for a page, its Origin
// (loopback pages and the origins allowed). Each accepted socket is one session of the hub.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { originAllowed, originRefusal } from "../http/api-cors";
import { hostGuard } from "../http/host-guard";
import type { AllowedNames } from "../http/allowed-names";
import { SyncSession } from "./session";
import type { SyncHub } from "./sync-hub";

const SYNC_PATH = /^\/api\/(?:[^/]+\/)?sync$/;
/** Arguments are capped at 16 MiB on Convex; a message carries them with a little more. */
const MAX_MESSAGE_BYTES = 20 * 1024 * 1024;
const CLOSE_GOING_AWAY = 1001;

export interface SocketServer {
  close(): void;
}

export function serveSyncSockets(server: Server, hub: SyncHub, allowed: Partial<AllowedNames>): SocketServer {
  const guard = hostGuard(allowed.allowedHosts ?? []);
  const originOk = originAllowed(allowed.allowedOrigins ?? []);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const open = new Set<WebSocket>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (!SYNC_PATH.test(path)) return refuse(socket, 404, `No WebSocket at ${path}: the sync protocol is at /api/<version>/sync.\n`);
    const refusal = guard(request);
    if (refusal) {
      void refusal.text().then((text) => refuse(socket, refusal.status, text));
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !originOk(origin)) return refuse(socket, 403, originRefusal(origin));
    sockets.handleUpgrade(request, socket, head, (ws) => {
      open.add(ws);
      const session = new SyncSession(
        { send: (text) => ws.send(text), close: (code, reason) => ws.close(code, reason) },
        hub,
        origin ?? request.headers["user-agent"] ?? "a client",
      );
      hub.add(session);
      ws.on("message", (data, isBinary) => {
        if (isBinary) session.receive("");
        else session.receive(data.toString());
      });
      ws.on("close", () => {
        open.delete(ws);
        session.close();
      });
      ws.on("error", () => ws.terminate());
    });
  };
  server.on("upgrade", onUpgrade);
  return {
    close() {
      server.off("upgrade", onUpgrade);
      for (const ws of open) ws.close(CLOSE_GOING_AWAY, "Convex Lens stopped");
      // A client that does not answer the close handshake must not hold the server open.
      setTimeout(() => {
        for (const ws of open) ws.terminate();
      }, 1000).unref();
      sockets.close();
    },
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  const body = Buffer.from(text);
  socket.end(
    `HTTP/1.1 ${status} ${status === 404 ? "Not Found" : status === 400 ? "Bad Request" : "Forbidden"}\r\n` +
      `content-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${text}`,
  );
}

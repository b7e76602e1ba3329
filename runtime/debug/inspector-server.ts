// `--inspect`: an inspector endpoint on 127.0.0.1 that Chrome DevTools and VS Code ("attach") know
// how to use, the same HTTP discovery (/json/list, /json/version) and WebSocket as `node --inspect`.
// Each connection is relayed by an InspectorBridge, which shows the user-code workers only. As with
// Node's own, the WebSocket path is a random id (no web page can guess it) and only loopback Host
// headers are answered (DNS rebinding).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { hostGuard } from "../http/host-guard";
import { InspectorBridge } from "./inspector-bridge";

export interface InspectorEndpoint {
  port: number;
  /** The WebSocket a debugger connects to: ws://127.0.0.1:<port>/<id>. */
  webSocketUrl: string;
  /** Opens DevTools on it in Chrome (paste into the address bar). */
  devtoolsUrl: string;
  close(): Promise<void>;
}

export function openInspector(port: number, title: string): Promise<InspectorEndpoint> {
  const id = randomUUID();
  // Loopback names on any port, as Node's own inspector: VS Code's debugger asks /json/version and
  // /json/list with "Host: localhost" and no port.
  const guard = hostGuard(["localhost", "127.0.0.1", "[::1]"]);
  const bridges = new Set<InspectorBridge>();
  const sockets = new WebSocketServer({ noServer: true });
  const server = createServer((request, response) => {
    const refused = guard(request);
    if (refused) void refuse(refused, response);
    else describe(request, response);
  });
  let address = "";
  const target = () => ({
    description: "Convex Lens: the project's functions (each worker thread is a thread of this target)",
    devtoolsFrontendUrl: `devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws=${address}/${id}`,
    devtoolsFrontendUrlCompat: `devtools://devtools/bundled/inspector.html?experiments=true&v8only=true&ws=${address}/${id}`,
    faviconUrl: "https://nodejs.org/static/images/favicons/favicon.ico",
    id,
    title,
    type: "node",
    url: `file://${title}`,
    webSocketDebuggerUrl: `ws://${address}/${id}`,
  });
  const describe = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? "/").split("?", 1)[0]!.replace(/\/$/, "");
    let body: unknown;
    if (path === "/json" || path === "/json/list") body = [target()];
    else if (path === "/json/version") body = { Browser: `node.js/${process.version}`, "Protocol-Version": "1.1" };
    else {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`Unknown path ${path}: try /json/list\n`);
      return;
    }
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
  };
  server.on("upgrade", (request, socket, head) => {
    if (guard(request) || request.url !== `/${id}`) {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const bridge = new InspectorBridge((text) => ws.send(text));
      bridges.add(bridge);
      ws.on("message", (data) => bridge.receive(String(data)));
      ws.on("close", () => {
        bridges.delete(bridge);
        bridge.close();
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `Port ${port} is already in use on 127.0.0.1 (another debugger endpoint?). Pick another one with --inspect=<port>, or --inspect=0 for any free port.`,
            )
          : error,
      );
    });
    server.listen(port, "127.0.0.1", () => {
      const actual = (server.address() as AddressInfo).port;
      address = `127.0.0.1:${actual}`;
      resolve({
        port: actual,
        webSocketUrl: `ws://${address}/${id}`,
        devtoolsUrl: target().devtoolsFrontendUrl,
        close: () =>
          new Promise<void>((done) => {
            for (const client of sockets.clients) client.terminate();
            for (const bridge of bridges) bridge.close();
            bridges.clear();
            sockets.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function refuse(refused: Response, response: ServerResponse): Promise<void> {
  response.writeHead(refused.status, { "content-type": "text/plain; charset=utf-8" }).end(await refused.text());
}

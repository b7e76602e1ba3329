// DNS rebinding: a page on evil.example whose name is then made to resolve to 127.0.0.1 reaches
// our ports as its own origin (no CORS stands in the way), and every request it sends says
// `Host: evil.example`. So both origins answer only to what a browser sends for a page on this
// machine — a loopback name with the port the request came in on: 127.0.0.1:<port>,
// localhost:<port>, [::1]:<port> (a Host without a port means port 80) — plus the names the user
// allows for a tunnel or a proxy, on any port. A request without a Host header (HTTP/1.0) is
// served: no browser sends one. The check runs before anything else, on both servers.
import type { IncomingMessage } from "node:http";

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];
const HTTP_DEFAULT_PORT = 80;
/** How much of a refused Host the answer repeats. */
const SHOWN_LENGTH = 100;

/** What the guard reads of a request (Node's IncomingMessage, or its HTTP/2 counterpart). */
export type GuardedRequest = Pick<IncomingMessage, "rawHeaders"> & { socket: { localPort?: number } | null };

/** The refusal for a request that must not be served, or null. */
export type HostGuard = (request: GuardedRequest) => Response | null;

interface HostParts {
  name: string;
  port: number | null;
}

/** "localhost:3311" → {name: "localhost", port: 3311}; "[::1]" → {name: "[::1]", port: null}; null if malformed. */
function splitHost(host: string): HostParts | null {
  const close = host.startsWith("[") ? host.indexOf("]") : -1;
  const colon = close >= 0 ? (host[close + 1] === ":" ? close + 1 : -1) : host.lastIndexOf(":");
  if (close >= 0 && colon < 0 && close !== host.length - 1) return null;
  const name = colon < 0 ? host : host.slice(0, colon);
  if (name === "") return null;
  if (colon < 0) return { name, port: null };
  const port = host.slice(colon + 1);
  return /^\d{1,5}$/.test(port) ? { name, port: Number(port) } : null;
}

function answersTo(parts: HostParts, localPort: number | undefined, allowedHosts: readonly string[]): boolean {
  if (LOOPBACK_NAMES.includes(parts.name) && (parts.port ?? HTTP_DEFAULT_PORT) === localPort) return true;
  return allowedHosts.some((allowed) =>
    allowed.startsWith(".") ? parts.name === allowed.slice(1) || parts.name.endsWith(allowed) : parts.name === allowed,
  );
}

function refusal(status: number, text: string): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" } });
}

function refused(host: string, parts: HostParts | null, localPort: number | undefined): Response {
  const shown = JSON.stringify(host.length > SHOWN_LENGTH ? `${host.slice(0, SHOWN_LENGTH)}…` : host);
  const port = localPort ?? "<port>";
  const suggestion = parts && /^[a-z0-9.-]+$/.test(parts.name) ? parts.name : "<name>";
  return refusal(
    403,
    [
      `Convex Lens refused this request: its Host header is ${shown}, a name this server does not answer to.`,
      `It answers to 127.0.0.1:${port}, localhost:${port} and [::1]:${port} only, so that no web page can reach it through DNS rebinding.`,
      `To reach it through a tunnel or a proxy under another name, allow that name: convex-lens serve --allow-host ${suggestion}, or the VS Code setting convexLens.allowedHosts.`,
      "",
    ].join("\n"),
  );
}

/** `allowedHosts` as allowedNamesOf gives them: lower-case, ".example.com" for a whole domain. */
export function hostGuard(allowedHosts: readonly string[]): HostGuard {
  return (request) => {
    let host: string | null = null;
    const raw = request.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      if (name.length !== 4 || name.toLowerCase() !== "host") continue;
      // Node keeps the first of two Host headers and user code sees both: refuse the ambiguity.
      if (host !== null) return refusal(400, "Convex Lens refused this request: it has more than one Host header.\n");
      host = raw[i + 1]!;
    }
    if (host === null || host === "") return null;
    const localPort = request.socket?.localPort;
    const parts = splitHost(host.toLowerCase());
    if (parts && answersTo(parts, localPort, allowedHosts)) return null;
    return refused(host, parts, localPort);
  };
}

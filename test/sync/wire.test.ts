// The sync protocol on the wire, with a bare WebSocket: the API origin's rules (the Host guard
// against DNS rebinding, the page origins of api-cors.ts) apply to the upgrade, so every loopback
// page a dev server serves connects and so do the pages --allow-origin names; only the sync path
// upgrades; a malformed message ends the session with a FatalError; the versions of a Transition;
// a mutation sent again after a reconnect is not run twice.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;

before(async () => {
  server = await serveFixture("sync-app");
});
after(async () => {
  await server?.stop();
});

const syncUrl = () => `${server.api.url.replace("http:", "ws:")}/api/1.48.0/sync`;

/** Opens a socket; resolves with "open" or the HTTP status and body of the refusal. */
function attempt(url: string, headers: Record<string, string> = {}): Promise<{ open: WebSocket } | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => resolve({ open: ws }));
    ws.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    ws.once("error", reject);
  });
}

test("a page on this machine connects; a foreign Host or a foreign page is refused with the reason", async () => {
  const local = await attempt(syncUrl(), { origin: "http://localhost:5173" });
  assert.ok("open" in local, "a loopback page connects");
  local.open.close();
  const noOrigin = await attempt(syncUrl());
  assert.ok("open" in noOrigin, "a client without Origin (Node) connects");
  noOrigin.open.close();
  const rebinding = await attempt(syncUrl(), { host: "evil.example" });
  assert.ok("status" in rebinding);
  assert.equal(rebinding.status, 403);
  assert.match(rebinding.body, /its Host header is "evil\.example"/);
  const foreign = await attempt(syncUrl(), { origin: "https://evil.example" });
  assert.ok("status" in foreign);
  assert.equal(foreign.status, 403);
  assert.match(foreign.body, /--allow-origin https:\/\/evil\.example/);
});

test("a Vite dev server's page connects from every loopback origin; look-alike names and a Host on another port are refused", async () => {
  // `npm run dev` serves the page on http://localhost:5173, or on 127.0.0.1 / [::1] with --host,
  // on another port when 5173 is taken, or over https with a certificate plugin.
  for (const origin of [
    "http://localhost:5173",
    "http://127.0.0.1:5173",
    "http://[::1]:5174",
    "https://localhost:5173",
    "http://localhost",
  ]) {
    const connected = await attempt(syncUrl(), { origin });
    assert.ok("open" in connected, `a page on ${origin} connects`);
    connected.open.close();
  }
  const port = new URL(server.api.url).port;
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
    const connected = await attempt(syncUrl(), { host, origin: "http://localhost:5173" });
    assert.ok("open" in connected, `Host: ${host} connects`);
    connected.open.close();
  }
  for (const origin of ["http://127.0.0.1.evil.example:5173", "http://localhost.evil.example", "http://evil.example:5173", "null"]) {
    const refused = await attempt(syncUrl(), { origin });
    assert.ok("status" in refused, `a page on ${origin} is refused`);
    assert.equal(refused.status, 403, origin);
    assert.match(refused.body, /answers web pages on this machine only/, origin);
  }
  const otherPort = await attempt(syncUrl(), { host: `localhost:${Number(port) === 5173 ? 5174 : 5173}` });
  assert.ok("status" in otherPort);
  assert.equal(otherPort.status, 403);
  assert.match(otherPort.body, /a name this server does not answer to/);
});

test("--allow-origin lets that page's socket in, and only that page's", async () => {
  const widened = await serveFixture("sync-app", { allowedOrigins: ["https://chat.example"] });
  try {
    const url = `${widened.api.url.replace("http:", "ws:")}/api/1.48.0/sync`;
    const allowed = await attempt(url, { origin: "https://chat.example" });
    assert.ok("open" in allowed, "the allowed origin connects");
    allowed.open.close();
    const loopback = await attempt(url, { origin: "http://127.0.0.1:5173" });
    assert.ok("open" in loopback, "loopback pages still connect");
    loopback.open.close();
    const other = await attempt(url, { origin: "https://other.example" });
    assert.ok("status" in other);
    assert.equal(other.status, 403);
  } finally {
    await widened.stop();
  }
});

test("only /api/<version>/sync upgrades", async () => {
  const other = await attempt(`${server.api.url.replace("http:", "ws:")}/api/elsewhere`);
  assert.ok("status" in other);
  assert.equal(other.status, 404);
  assert.match(other.body, /\/api\/<version>\/sync/);
});

test("a message that is not the protocol's ends the session with a FatalError", async () => {
  const attempted = await attempt(syncUrl());
  assert.ok("open" in attempted);
  const ws = attempted.open;
  const messages: Array<Record<string, unknown>> = [];
  ws.on("message", (data) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  ws.send(JSON.stringify({ type: "ModifyQuerySet", baseVersion: 5, newVersion: 6, modifications: [] }));
  assert.equal(await closed, 1008);
  assert.deepEqual(messages, [{ type: "FatalError", error: "Base version 5 passed up doesn't match the current version 0" }]);
});

test("on the wire: Connect and Event are taken, a ModifyQuerySet is answered by a Transition from version 0 to 1", async () => {
  const attempted = await attempt(syncUrl());
  assert.ok("open" in attempted);
  const ws = attempted.open;
  type Version = { querySet: number; identity: number; ts: string };
  type Transition = { type: string; startVersion: Version; endVersion: Version; modifications: unknown[] };
  const transition = new Promise<Transition>((resolve) =>
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString()) as Transition;
      if (message.type === "Transition") resolve(message);
    }),
  );
  ws.send(JSON.stringify({ type: "Connect", sessionId: "s1", connectionCount: 0, lastCloseReason: null, clientTs: Date.now() }));
  ws.send(JSON.stringify({ type: "Event", eventType: "ClientConnect", event: {} }));
  ws.send(
    JSON.stringify({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 7, udfPath: "messages:list", args: [{ channel: "wire" }] }],
    }),
  );
  const message = await transition;
  ws.close();
  assert.deepEqual(message.startVersion, { querySet: 0, identity: 0, ts: "AAAAAAAAAAA=" });
  assert.equal(message.endVersion.querySet, 1);
  assert.equal(message.endVersion.identity, 0);
  // The latest commit's timestamp, as the client decodes it: 8 little-endian bytes in base64.
  const ts = Buffer.from(message.endVersion.ts, "base64");
  assert.equal(ts.length, 8);
  assert.ok(ts.readBigUInt64LE() > 0n);
  assert.deepEqual(message.modifications, [{ type: "QueryUpdated", queryId: 7, value: [], logLines: [], journal: null }]);
});

test("a mutation sent again by a reconnected client (same session id and request id) is answered, not run twice", async () => {
  const mutation = { type: "Mutation", requestId: 0, udfPath: "messages:send", args: [{ channel: "once", body: "only once" }] };
  const responses: Array<Record<string, unknown>> = [];
  for (let connection = 0; connection < 2; connection++) {
    const attempted = await attempt(syncUrl());
    assert.ok("open" in attempted);
    const ws = attempted.open;
    const response = new Promise<Record<string, unknown>>((resolve) =>
      ws.on("message", (data) => {
        const message = JSON.parse(data.toString()) as Record<string, unknown>;
        if (message.type === "MutationResponse") resolve(message);
      }),
    );
    ws.send(
      JSON.stringify({
        type: "Connect",
        sessionId: "client-session-1",
        connectionCount: connection,
        lastCloseReason: null,
        clientTs: Date.now(),
      }),
    );
    ws.send(JSON.stringify(mutation));
    responses.push(await response);
    ws.close();
  }
  assert.equal(responses[0]!.success, true);
  assert.deepEqual(responses[1], responses[0]);
  const listed = await fetch(`${server.api.url}/api/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "messages:list", args: { channel: "once" }, format: "json" }),
  });
  assert.deepEqual(((await listed.json()) as { value: string[] }).value, ["only once"]);
});

// The webview's connection to the host: ids, replies, time limits, state, and the API acquired once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Window } from "happy-dom";
import { connectHost, HostRequestError, type HostBridge, type HostEvent, type HostWindow } from "../../webview/host-bridge";
import type { HostMessage } from "../../webview/protocol/messages";
import { VsCodeApiFake, installApi, ready } from "./webview-fixture";

interface Saved {
  count: number;
}
const isSaved = (value: unknown): value is Saved => typeof (value as Saved | null)?.count === "number";

async function withBridge(
  run: (context: { bridge: HostBridge<Saved>; api: VsCodeApiFake; host: (message: unknown) => void; window: Window }) => Promise<void>,
  options: { state?: unknown; timeoutMs?: number } = {},
) {
  const window = new Window();
  const api = new VsCodeApiFake(options.state);
  installApi(window, api);
  const bridge = connectHost(window as unknown as HostWindow, { isState: isSaved, timeoutMs: options.timeoutMs });
  const host = (data: unknown) => window.dispatchEvent(new window.MessageEvent("message", { data }));
  try {
    await run({ bridge, api, host, window });
  } finally {
    bridge.dispose();
    await window.happyDOM.close();
  }
}

test("ready posts the handshake; post sends messages as they are", () =>
  withBridge(async ({ bridge, api }) => {
    bridge.ready();
    bridge.post({ type: "ready" });
    assert.deepEqual(api.posted, [{ type: "ready" }, { type: "ready" }]);
  }));

test("requests carry fresh ids and settle with the reply of the same id", () =>
  withBridge(async ({ bridge, api, host }) => {
    const first = bridge.request({ type: "download" });
    const second = bridge.request({ type: "openSource", file: "convex/http.ts", line: 3 });
    const [a, b] = api.posted as Array<{ id: number; type: string }>;
    assert.equal(a!.type, "download");
    assert.deepEqual(b, { type: "openSource", file: "convex/http.ts", line: 3, id: b!.id });
    assert.notEqual(a!.id, b!.id);

    host({ type: "reply", id: b!.id, ok: false, error: "no such file" } satisfies HostMessage);
    host({ type: "reply", id: a!.id, ok: true, value: { saved: "/tmp/body.bin" } } satisfies HostMessage);
    assert.deepEqual(await first, { saved: "/tmp/body.bin" });
    await assert.rejects(
      second,
      (error: unknown) => error instanceof HostRequestError && error.reason === "failed" && error.message === "no such file",
    );
  }));

test("a request without a reply rejects after the time limit, naming the request", () =>
  withBridge(
    async ({ bridge, api, host }) => {
      const pending = bridge.request({ type: "download" });
      await assert.rejects(
        pending,
        (error: unknown) =>
          error instanceof HostRequestError && error.reason === "timeout" && /did not answer "download" within 0\.1 s/.test(error.message),
      );
      // A reply after the time limit is ignored.
      host({ type: "reply", id: (api.posted[0] as { id: number }).id, ok: true });
    },
    { timeoutMs: 100 },
  ));

test("handlers get host messages other than replies; anything else on the window is ignored", () =>
  withBridge(async ({ bridge, host }) => {
    const received: HostEvent[] = [];
    const unsubscribe = bridge.onMessage((message) => received.push(message));
    const state = ready();
    host({ type: "state", state });
    host({ type: "reply", id: 999, ok: true });
    host({ type: "somethingElse" });
    host("state");
    host(null);
    assert.deepEqual(received, [{ type: "state", state }]);
    unsubscribe();
    host({ type: "state", state });
    assert.equal(received.length, 1);
  }));

test("getState returns only state that passes the guard; setState stores it", async () => {
  await withBridge(
    async ({ bridge, api }) => {
      assert.deepEqual(bridge.getState(), { count: 2 });
      bridge.setState({ count: 3 });
      assert.deepEqual(api.state, { count: 3 });
      assert.deepEqual(bridge.getState(), { count: 3 });
    },
    { state: { count: 2 } },
  );
  await withBridge(async ({ bridge }) => assert.equal(bridge.getState(), undefined), { state: { count: "two" } });
});

test("the VS Code API is acquired once per page, however many bridges connect", async () => {
  const window = new Window();
  const acquired = installApi(window, new VsCodeApiFake());
  const one = connectHost(window as unknown as HostWindow, { isState: isSaved });
  const two = connectHost(window as unknown as HostWindow, { isState: isSaved });
  assert.equal(acquired.calls(), 1);
  one.dispose();
  two.dispose();
  await window.happyDOM.close();
  assert.throws(() => connectHost(new Window() as unknown as HostWindow, { isState: isSaved }), /acquireVsCodeApi is missing/);
});

test("dispose rejects requests still waiting and stops listening", () =>
  withBridge(async ({ bridge, host }) => {
    const received: unknown[] = [];
    bridge.onMessage((message) => received.push(message));
    const pending = bridge.request({ type: "download" });
    bridge.dispose();
    await assert.rejects(pending, (error: unknown) => error instanceof HostRequestError && error.reason === "closed");
    host({ type: "state", state: ready() });
    assert.equal(received.length, 0);
  }));

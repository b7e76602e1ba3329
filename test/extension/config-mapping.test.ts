import { test } from "node:test";
import assert from "node:assert/strict";
import { mapConfig } from "../../extension/config-mapping";

function from(values: Record<string, unknown>) {
  return <T>(key: string, fallback: T): T => (key in values ? (values[key] as T) : fallback);
}

test("defaults match Convex Lens's documented ports and limits", () => {
  assert.deepEqual(mapConfig(from({})), {
    autoStart: true,
    sitePort: 3311,
    apiPort: 3310,
    queryTimeoutMs: 1000,
    envFiles: [],
    logRetention: 100_000,
    devIssuer: true,
    allowedHosts: [],
    allowedOrigins: [],
  });
});

test("user values pass through", () => {
  const config = mapConfig(
    from({ autoStart: false, sitePort: 4000, apiPort: 4001, queryTimeoutMs: 5000, envFiles: [".env", ".env.test"] }),
  );
  assert.deepEqual(config, {
    autoStart: false,
    sitePort: 4000,
    apiPort: 4001,
    queryTimeoutMs: 5000,
    envFiles: [".env", ".env.test"],
    logRetention: 100_000,
    devIssuer: true,
    allowedHosts: [],
    allowedOrigins: [],
  });
});

test("invalid values fall back instead of breaking the runtime", () => {
  const config = mapConfig(from({ sitePort: 70000, apiPort: "x", queryTimeoutMs: -1, envFiles: "oops" }));
  assert.deepEqual([config.sitePort, config.apiPort, config.queryTimeoutMs, config.envFiles], [3311, 3310, 1000, []]);
});

test("the local dev issuer (Act as a user) is on unless turned off", () => {
  assert.equal(mapConfig(from({ devIssuer: false })).devIssuer, false);
  assert.equal(mapConfig(from({ devIssuer: "yes" })).devIssuer, true);
});

test("allowed hosts and origins are lists of strings; the runtime checks their form when it starts", () => {
  const config = mapConfig(from({ allowedHosts: ["abc.ngrok.app", 7, ""], allowedOrigins: ["https://app.example", null] }));
  assert.deepEqual([config.allowedHosts, config.allowedOrigins], [["abc.ngrok.app"], ["https://app.example"]]);
  assert.deepEqual(mapConfig(from({ allowedHosts: "abc.ngrok.app" })).allowedHosts, []);
});

// The syscall ABI as user code reaches it (`globalThis.Convex`): what the worker answers itself,
// what it passes to the host through the op table (runtime/shared/host-ops.ts), and the sentence
// an op without an implementation is refused with.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { FEATURE_OPS } from "../../runtime/shared/host-ops";
import type { JSONValue } from "../../runtime/shared/wire-values";

type Answer = { answer: unknown } | { refused: string };

async function call(server: FixtureServer, fn: string, op: string, args: JSONValue): Promise<Answer> {
  const udfType = fn.endsWith("InQuery") ? "query" : fn.endsWith("InMutation") ? "mutation" : "action";
  const outcome = await server.runtime.runFunction(`raw:${fn}`, { op, args }, { udfType });
  assert.ok(outcome.ok, `raw:${fn} failed: ${!outcome.ok && outcome.error.message}`);
  return outcome.value as Answer;
}

const GENERIC = (op: string) =>
  `The Convex feature behind the syscall ${op} is not supported by Convex Lens yet (is the project's \`convex\` package newer than Convex Lens knows?).`;

test("a syscall Convex Lens does not implement is refused with a sentence naming it, however it is called", async () => {
  const server = await serveFixture("syscalls-app");
  try {
    assert.deepEqual(await call(server, "asyncInQuery", "1.0/signJwt", {}), {
      refused: "Signing tokens (`ctx.auth.signJwt`) is not supported by Convex Lens yet.",
    });
    assert.deepEqual(await call(server, "asyncInAction", "1.0/teleport", {}), { refused: GENERIC("1.0/teleport") });
    assert.deepEqual(await call(server, "syncInQuery", "1.0/teleport", {}), { refused: GENERIC("1.0/teleport") });
    assert.deepEqual(await call(server, "jsInAction", "teleport", {}), { refused: GENERIC("teleport") });
    // A name that only looks like a member of every object is no syscall either.
    assert.deepEqual(await call(server, "asyncInMutation", "toString", {}), { refused: GENERIC("toString") });
  } finally {
    await server.stop();
  }
});

test("the host's ops get the calling function: its kind, its transaction and its install", async () => {
  const server = await serveFixture("syscalls-app");
  try {
    // Scheduling inside the caller's transaction is for mutations only, as on the backend.
    const fromQuery = await call(server, "asyncInQuery", "1.0/schedule", { name: "raw:asyncInQuery", ts: Date.now() / 1000, args: {} });
    assert.deepEqual(fromQuery, { refused: "Unknown async operation 1.0/schedule" });
    const fromMutation = await call(server, "asyncInMutation", "1.0/schedule", {
      name: "raw:asyncInQuery",
      ts: Date.now() / 1000,
      args: {},
    });
    assert.ok("answer" in fromMutation && typeof fromMutation.answer === "string", JSON.stringify(fromMutation));
    // A query only reads files.
    assert.deepEqual(await call(server, "asyncInQuery", "1.0/storageGenerateUploadUrl", {}), {
      refused:
        "ctx.storage.generateUploadUrl() cannot be called from a query: queries are read-only. Call it from a mutation or an action.",
    });
    const upload = await call(server, "asyncInMutation", "1.0/storageGenerateUploadUrl", {});
    assert.ok(
      "answer" in upload && String(upload.answer).startsWith(`${server.api.url}/api/storage/upload?token=`),
      JSON.stringify(upload),
    );
    // The package's arguments arrive as they were sent, and are checked as the backend checks them.
    assert.deepEqual(await call(server, "asyncInAction", "1.0/storageGetUrl", { storageId: "nonsense" }), {
      refused:
        "Invalid argument `storageId` for `storage.getUrl`: Invalid storage ID: \"nonsense\". Storage ID should be an Id of '_storage' table, or a UUID string.",
    });
  } finally {
    await server.stop();
  }
});

test("every op of the host's feature table is answered (none is refused as unsupported)", async () => {
  const server = await serveFixture("syscalls-app");
  try {
    for (const op of Object.keys(FEATURE_OPS)) {
      const outcome = await call(server, "asyncInAction", op, {});
      if ("refused" in outcome) assert.doesNotMatch(outcome.refused, /is not supported by Convex Lens/, op);
    }
  } finally {
    await server.stop();
  }
});

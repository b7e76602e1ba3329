// Small helpers of the storage tests: run a fixture function and get its value or its error.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FixtureServer } from "../helpers/serve-fixture";
import type { JSONValue } from "../../runtime/store/types";

type Kind = "query" | "mutation" | "action";

// biome-ignore lint/suspicious/noExplicitAny: the value of a fixture function, read as each test expects it.
export async function run(server: FixtureServer, name: string, args: JSONValue, udfType: Kind): Promise<any> {
  const outcome = await server.runtime.runFunction(name, args, { udfType });
  assert.ok(outcome.ok, `${name} failed: ${outcome.ok ? "" : outcome.error.message}`);
  return outcome.value;
}

export async function failure(server: FixtureServer, name: string, args: JSONValue, udfType: Kind): Promise<string> {
  const outcome = await server.runtime.runFunction(name, args, { udfType });
  assert.equal(outcome.ok, false, `${name} was expected to fail`);
  return outcome.ok ? "" : outcome.error.message;
}

/** Stores `body` through the fixture's HTTP action (ctx.storage.store(await request.blob())). */
export async function storeViaHttpAction(
  server: FixtureServer,
  body: Uint8Array<ArrayBuffer> | string,
  contentType?: string,
): Promise<string> {
  const response = await server.get("/store", {
    method: "POST",
    body,
    headers: contentType === undefined ? {} : { "content-type": contentType },
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { storageId: string }).storageId;
}

export function sha256(bytes: Uint8Array | string): Buffer {
  return createHash("sha256").update(bytes).digest();
}

export function filePath(server: FixtureServer, storageId: string): string {
  return join(server.dataDir, "files", storageId);
}

/** Waits (briefly) for a condition the runtime settles in the background. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function fileExists(server: FixtureServer, storageId: string): boolean {
  return existsSync(filePath(server, storageId));
}

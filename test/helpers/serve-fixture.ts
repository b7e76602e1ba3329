// Starts the real runtime (both origins on 127.0.0.1, ephemeral ports) on a fixture project, with
// its data in a fresh temp folder, exactly as `convex-lens serve` does.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startServing, type Serving } from "../../runtime/serve";

export const FIXTURES = resolve(__dirname, "..", "fixtures");

export interface FixtureServer extends Serving {
  dataDir: string;
  get(path: string, init?: RequestInit): Promise<Response>;
  /** Stops the servers; keeps the data folder unless `removeData`. */
  stop(options?: { removeData?: boolean }): Promise<void>;
}

export async function serveFixture(
  name: string,
  options: {
    dataDir?: string;
    env?: Record<string, string>;
    queryTimeoutMs?: number;
    memoryLimitMb?: number;
    systemTimeoutMs?: number;
    devIssuer?: boolean;
    /** Port of the debugger endpoint (0: any free one). */
    inspect?: number;
    /** A copy of the fixture to serve instead (copyFixture), for tests that edit it. */
    projectDir?: string;
    /** Page origins allowed besides loopback ones (--allow-origin). */
    allowedOrigins?: readonly string[];
  } = {},
): Promise<FixtureServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "convex-lens-test-"));
  const serving = await startServing({
    projectDir: options.projectDir ?? join(FIXTURES, name),
    dataDir,
    env: options.env ?? {},
    port: 0,
    apiPort: 0,
    queryTimeoutMs: options.queryTimeoutMs,
    memoryLimitMb: options.memoryLimitMb,
    systemTimeoutMs: options.systemTimeoutMs,
    devIssuer: options.devIssuer,
    inspect: options.inspect,
    allowedOrigins: options.allowedOrigins,
  });
  return {
    ...serving,
    dataDir,
    get: (path, init) => fetch(`${serving.site.url}${path}`, init),
    async stop({ removeData = true } = {}) {
      await serving.close();
      if (removeData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

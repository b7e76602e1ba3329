// Shared pieces of the reliability suite: a seeded PRNG, `convex-lens serve` children on
// 127.0.0.1, function API calls, raw-socket requests, bounded polls.
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { copyFixture, runCli, type CliOptions, type CliRun } from "../helpers/cli-process";

/** mulberry32: a small, fast PRNG; the same seed gives the same run. */
export class Rng {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `check` until it returns a value other than undefined, at most `attempts` times. A guard
 * against hanging, never a statement about speed: tests assert what happened, not how fast.
 */
export async function poll<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  attempts = 200,
  intervalMs = 50,
): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await delay(intervalMs);
  }
  throw new Error(`gave up waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

export interface ServeChild {
  cli: CliRun;
  pid: number;
  site: string;
  api: string;
  sitePort: number;
  apiPort: number;
  /** Stops with SIGTERM (saves the database) and waits for the exit code. */
  stop(): Promise<number | null>;
  /** kill -9, and waits until the process is gone. */
  kill9(): Promise<void>;
}

/**
 * `node dist/cli.js serve <project> --port 0 --api-port 0 --data <dataDir> …`, once it serves.
 * `detached`: serve leads its own process group, so a signal user code sends to its group cannot
 * reach the test runner.
 */
export async function startServe(project: string, dataDir: string, extra: string[] = [], options: CliOptions = {}): Promise<ServeChild> {
  const cli = runCli(["serve", project, "--port", "0", "--api-port", "0", "--data", dataDir, "--quiet", ...extra], options);
  // A child that exits before it serves fails the start at once, with what it printed.
  const exitedEarly = cli.exited.then((code) => {
    throw new Error(`convex-lens serve exited with code ${code} before serving:\n${cli.output()}`);
  });
  exitedEarly.catch(() => undefined);
  try {
    const ready = (async () => {
      const [, site] = await cli.waitFor(/HTTP actions \(site\):\s+(http:\/\/127\.0\.0\.1:\d+)/, 60_000);
      const [, api] = await cli.waitFor(/Convex API \(cloud\):\s+(http:\/\/127\.0\.0\.1:\d+)/, 60_000);
      await cli.waitFor(/Watching for changes|is not loaded|has no convex\/http\.ts/, 60_000);
      return [site, api] as const;
    })();
    const [site, api] = await Promise.race([ready, exitedEarly]);
    return {
      cli,
      pid: cli.child.pid!,
      site: site!,
      api: api!,
      sitePort: Number(new URL(site!).port),
      apiPort: Number(new URL(api!).port),
      async stop() {
        if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill("SIGTERM");
        return cli.exited;
      },
      async kill9() {
        if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill("SIGKILL");
        await cli.exited;
      },
    };
  } catch (error) {
    cli.child.kill("SIGKILL");
    throw error;
  }
}

export { copyFixture };

export interface ApiOutcome {
  httpStatus: number;
  status: "success" | "error";
  value?: unknown;
  errorMessage?: string;
  errorData?: unknown;
  logLines: string[];
}

/** POST /api/<kind> as ConvexHttpClient sends it. */
export async function callApi(
  api: string,
  kind: "query" | "mutation" | "action",
  path: string,
  args: Record<string, unknown> = {},
  init: { token?: string; signal?: AbortSignal } = {},
): Promise<ApiOutcome> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const response = await fetch(`${api}/api/${kind}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ path, args, format: "json" }),
    signal: init.signal ?? null,
  });
  const body = (await response.json()) as Omit<ApiOutcome, "httpStatus">;
  return { httpStatus: response.status, ...body };
}

/** The value of a function call that must succeed. */
export async function valueOfCall<T>(
  api: string,
  kind: "query" | "mutation" | "action",
  path: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const outcome = await callApi(api, kind, path, args);
  if (outcome.status !== "success") throw new Error(`${path} failed: ${outcome.errorMessage}`);
  return outcome.value as T;
}

/** A Host both origins answer to: a loopback name with the port the request goes to. */
export function loopbackHost(port: number): string {
  return `127.0.0.1:${port}`;
}

/** The Host header line of a raw request to `port`. */
export function hostHeader(port: number): string {
  return `Host: ${loopbackHost(port)}`;
}

export interface RawResponse {
  /** null when the server closed the connection without a status line. */
  status: number | null;
  head: string;
  body: Buffer;
  /** The bytes after the head as they came (chunked framing included). */
  rawBody: Buffer;
  /** The server ended or reset the connection (as opposed to our own guard timer). */
  closedByServer: boolean;
}

/**
 * Writes `request` bytes on a fresh TCP connection and reads until the server closes it (the
 * requests carry `connection: close`) or `guardMs` passes; the guard only stops a hang.
 */
export function rawRequest(port: number, request: Buffer | string, guardMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const finish = () => {
      clearTimeout(guard);
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      const head = split < 0 ? all.toString("latin1") : all.subarray(0, split).toString("latin1");
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      const rawBody = split < 0 ? Buffer.alloc(0) : all.subarray(split + 4);
      const body = /^transfer-encoding:\s*chunked\s*$/im.test(head) ? dechunk(rawBody) : rawBody;
      resolve({ status: match ? Number(match[1]) : null, head, body, rawBody, closedByServer });
    };
    const guard = setTimeout(() => socket.destroy(), guardMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => {
      closedByServer = true;
      socket.end();
    });
    socket.on("error", () => {
      closedByServer = true;
    });
    socket.on("close", finish);
    socket.write(request);
  });
}

/** The payload of a chunked body (as much of it as arrived whole). */
function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(bytes.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Resident set size of a process, in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

/** A site request answered by the runtime, not by user code: it must keep working. */
export async function assertServing(child: ServeChild): Promise<void> {
  const health = await fetch(`${child.site}/healthy`);
  if ((await health.text()) !== "healthy") throw new Error(`/healthy answered ${health.status}`);
  const ok = await callApi(child.api, "query", "faults:ok");
  if (ok.value !== "fine") throw new Error(`faults:ok answered ${JSON.stringify(ok)}`);
}

// Load generation over loopback with autocannon (as a library), and the function API calls the
// benchmarks use to seed and inspect the bench app.
import autocannon from "autocannon";
import type { Child } from "./processes";

export const CONNECTIONS = 10;
export const WARMUP_SECONDS = 2;
export const RUN_SECONDS = 3;

export interface LoadRun {
  /** Successful (2xx) responses per second. */
  rps: number;
  latencyP50: number;
  latencyP99: number;
  /** Non-2xx responses, errors and timeouts: any of them makes the run invalid. */
  failures: number;
  /** CPU time the server process used per successful response, in µs (all its threads); NaN if unknown. */
  cpuMicros: number;
  /** The part of cpuMicros spent on the process's main thread (serve: the host thread). */
  mainThreadCpuMicros: number;
}

export interface LoadTarget {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
}

export async function load(target: LoadTarget, server: Child | null, seconds = RUN_SECONDS, connections = CONNECTIONS): Promise<LoadRun> {
  const cpuBefore = server?.cpuSeconds() ?? null;
  const mainBefore = server?.mainThreadCpuSeconds() ?? null;
  const result = await autocannon({
    url: target.url,
    method: target.method ?? "GET",
    body: target.body,
    headers: target.headers,
    connections,
    duration: seconds,
    timeout: 10,
  });
  const cpuAfter = server?.cpuSeconds() ?? null;
  const mainAfter = server?.mainThreadCpuSeconds() ?? null;
  return {
    mainThreadCpuMicros: mainBefore === null || mainAfter === null ? NaN : ((mainAfter - mainBefore) * 1e6) / result["2xx"],
    cpuMicros: cpuBefore === null || cpuAfter === null ? NaN : ((cpuAfter - cpuBefore) * 1e6) / result["2xx"],
    rps: result["2xx"] / result.duration,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export function warmUp(target: LoadTarget): Promise<LoadRun> {
  return load(target, null, WARMUP_SECONDS);
}

/** Calls a public function through the function API (`/api/query`, `/api/mutation`). */
export async function callFunction(
  apiUrl: string,
  kind: "query" | "mutation",
  path: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  const response = await fetch(`${apiUrl}/api/${kind}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path, args, format: "json" }),
  });
  const text = await response.text();
  let body: { status?: string; value?: unknown; errorMessage?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`${kind} ${path}: HTTP ${response.status} ${text}`);
  }
  if (body.status !== "success") throw new Error(`${kind} ${path} failed: ${body.errorMessage ?? text}`);
  return body.value;
}

/** Seeding batch: large enough to be quick, small enough for the 1 s mutation limit. */
export const SEED_BATCH = 1000;

/** Inserts documents n = from … to-1 through the bench app's public `items:seed`. */
export async function seedServe(apiUrl: string, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += SEED_BATCH) {
    await callFunction(apiUrl, "mutation", "items:seed", { start, count: Math.min(SEED_BATCH, to - start) });
  }
}

/** Deletes what the /pair route inserted, so every run starts from the seeded table. */
export async function trimServe(apiUrl: string): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = (await callFunction(apiUrl, "mutation", "items:trim", { limit: SEED_BATCH })) as number;
    total += deleted;
    if (deleted < SEED_BATCH) return total;
  }
}

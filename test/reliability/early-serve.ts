// Pieces for tests that talk to `convex-lens serve` before it is ready, or while it reloads or
// stops: a serve child on ports chosen up front (so requests can go out from its first moment),
// the load gate of the lifecycle-app fixture (its loadGate.ts blocks the project's load while a
// file exists, so a request certainly arrives during a load), and requests whose outcome is
// recorded instead of thrown.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliRun } from "../helpers/cli-process";
import { poll } from "./support";

/** `n` ports free on 127.0.0.1 right now (held together while chosen, so they differ). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** The switch of lifecycle-app's loadGate.ts, and the env file that tells the project where it is. */
export class LoadGate {
  readonly dir = mkdtempSync(join(tmpdir(), "convex-lens-gate-"));
  readonly envFile = join(this.dir, "gate.env");

  constructor() {
    writeFileSync(this.envFile, `LOAD_GATE=${this.dir}\n`);
  }

  /** Loads started from now on block until `open`. */
  close(): void {
    rmSync(join(this.dir, "loading"), { force: true });
    writeFileSync(join(this.dir, "hold"), "");
  }

  open(): void {
    rmSync(join(this.dir, "hold"), { force: true });
  }

  /** A load has reached the gate (it is blocked there while the gate is closed). */
  get reached(): boolean {
    return existsSync(join(this.dir, "loading"));
  }

  async waitUntilReached(): Promise<void> {
    await poll(() => (this.reached ? true : undefined), "the project's load to reach the gate", 1200);
  }

  /** Creates `<gate>/<name>`: lifecycle-app's /hold?until=<name> then answers. */
  signal(name: string): void {
    writeFileSync(join(this.dir, name), "");
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `convex-lens serve` on the given ports, returned at once (nothing waited for). */
export function spawnServe(project: string, dataDir: string, ports: { site: number; api: number }, extra: string[] = []): CliRun {
  return runCli(["serve", project, "--port", String(ports.site), "--api-port", String(ports.api), "--data", dataDir, "--quiet", ...extra]);
}

/** Waits until serve prints `pattern`; fails at once if it exits first. */
export async function printed(cli: CliRun, pattern: RegExp): Promise<RegExpMatchArray> {
  const exited = cli.exited.then((code) => {
    throw new Error(`convex-lens serve exited with code ${code} before printing ${pattern}:\n${cli.output()}`);
  });
  exited.catch(() => undefined);
  return Promise.race([cli.waitFor(pattern, 60_000), exited]);
}

export function isRunning(cli: CliRun): boolean {
  return cli.child.exitCode === null && cli.child.signalCode === null;
}

export type Attempt =
  | { kind: "answered"; status: number; body: string }
  /** Nothing listened on the port yet. */
  | { kind: "refused" }
  /** The connection broke without an answer. */
  | { kind: "failed"; error: string };

/** One request; its outcome, whatever it is. */
export async function attempt(url: string, init: RequestInit = {}): Promise<Attempt> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
    return { kind: "answered", status: response.status, body: await response.text() };
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === "ECONNREFUSED") return { kind: "refused" };
    const cause = (error as { cause?: unknown }).cause;
    return { kind: "failed", error: `${(error as Error).message}${cause ? ` (${String(cause)})` : ""}` };
  }
}

/** POST /api/query as ConvexHttpClient sends it. */
export function queryAttempt(api: string, path: string): Promise<Attempt> {
  return attempt(`${api}/api/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path, args: {}, format: "json" }),
  });
}

/** The site's and the API's answers that mean "served for real" in lifecycle-app. */
export const REAL_SITE_ANSWER = { kind: "answered", status: 200, body: "healthy" } as const;
export const REAL_API_ANSWER = {
  kind: "answered",
  status: 200,
  body: JSON.stringify({ status: "success", value: "fine", logLines: [] }),
} as const;

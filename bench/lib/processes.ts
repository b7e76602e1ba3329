// Child processes the benchmarks drive: `convex-lens serve` (the built CLI, as a user runs it) and
// the bare Hono baseline. Both print their URL; stdout/stderr are kept so a failure can show them.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

export const REPO = resolve(__dirname, "..", "..");
export const CLI = join(REPO, "dist", "cli.js");
/** Scratch space inside the repo, so copied apps resolve `convex` from the repo's node_modules. */
export const TMP = join(REPO, "bench", ".tmp");

/** USER_HZ: Linux reports process times in 1/100 s on every common architecture. */
const CLOCK_TICKS = 100;

export class Child {
  output = "";
  readonly exited: Promise<number | null>;
  readonly spawnedAt = performance.now();
  #waiters = new Set<() => void>();

  constructor(readonly process: ChildProcess) {
    const onData = (chunk: Buffer) => {
      this.output += chunk.toString("utf8");
      // Keep only the tail: a long run must not grow this without bound.
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
      for (const wake of this.#waiters) wake();
    };
    process.stdout!.on("data", onData);
    process.stderr!.on("data", onData);
    this.exited = new Promise((done) => process.on("exit", (code) => done(code)));
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** Resolves with the first match of `pattern` in the output, and when it appeared. */
  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<{ match: RegExpMatchArray; at: number }> {
    return new Promise((resolvePromise, reject) => {
      const check = () => {
        const match = this.output.match(pattern);
        if (match) {
          const at = performance.now();
          this.#waiters.delete(check);
          clearTimeout(timer);
          resolvePromise({ match, at });
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${pattern}; output so far:\n${this.output}`));
      }, timeoutMs);
      this.#waiters.add(check);
      void this.exited.then((code) => {
        if (!this.#waiters.has(check)) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        reject(new Error(`the process exited (code ${code}) before printing ${pattern}; output:\n${this.output}`));
      });
      check();
    });
  }

  /** Peak resident set size (VmHWM) in MiB, from /proc; null where /proc is missing. */
  peakRssMib(): number | null {
    return this.#statusMib("VmHWM");
  }

  /** Resident set size now (VmRSS) in MiB; null where /proc is missing. */
  rssMib(): number | null {
    return this.#statusMib("VmRSS");
  }

  #statusMib(field: "VmHWM" | "VmRSS"): number | null {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
      const kb = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(status);
      return kb ? Number(kb[1]) / 1024 : null;
    } catch {
      return null;
    }
  }

  /** CPU time (user + system, all threads) the process has used so far, in seconds; null without /proc. */
  cpuSeconds(): number | null {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      return null;
    }
  }

  /** CPU seconds of the process's main thread (for node: the JavaScript thread that owns the event loop). */
  mainThreadCpuSeconds(): number | null {
    try {
      const stat = readFileSync(`/proc/${this.pid}/task/${this.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      return null;
    }
  }

  /** SIGTERM (serve saves its database and exits), then SIGKILL if it takes too long. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill("SIGTERM");
    const timer = setTimeout(() => this.process.kill("SIGKILL"), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface ServeChild extends Child {
  siteUrl: string;
  apiUrl: string;
  /** When it printed its banner (performance.now()); `spawnedAt` is when it was spawned. */
  listeningAt: number;
}

export interface ServeOptions {
  dataDir: string;
  /** Extra node flags for the child, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** How long `startServe` waits for the banner. Default 30 s. */
  startTimeoutMs?: number;
}

export function spawnServe(projectDir: string, options: ServeOptions): Child {
  const args = [...(options.nodeFlags ?? []), CLI, "serve", projectDir, "--port", "0", "--api-port", "0", "--data", options.dataDir];
  return new Child(spawn(process.execPath, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] }));
}

/** Starts `convex-lens serve` and waits until it prints both URLs. */
export async function startServe(projectDir: string, options: ServeOptions): Promise<ServeChild> {
  const child = spawnServe(projectDir, options);
  const site = await child.waitFor(/HTTP actions \(site\):\s+(\S+)/, options.startTimeoutMs);
  const api = await child.waitFor(/Convex API \(cloud\):\s+(\S+)/, options.startTimeoutMs);
  return Object.assign(child, { siteUrl: site.match[1]!, apiUrl: api.match[1]!, listeningAt: site.at });
}

/** The bare Hono baseline (bench/bare-hono.ts) in its own process. */
export async function startBareHono(): Promise<Child & { url: string }> {
  const child = new Child(
    spawn(process.execPath, ["--import", "tsx", join(REPO, "bench", "bare-hono.ts")], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] }),
  );
  const { match } = await child.waitFor(/listening on (\S+)/);
  return Object.assign(child, { url: match[1]! });
}

/** A fresh scratch folder under bench/.tmp. */
export function scratchDir(prefix: string): string {
  mkdirSync(TMP, { recursive: true });
  return mkdtempSync(join(TMP, `${prefix}-`));
}

/** A writable copy of an app folder (without its .convex-lens state) under bench/.tmp. */
export function copyApp(source: string, prefix: string): string {
  const dir = scratchDir(prefix);
  cpSync(source, dir, { recursive: true, filter: (path) => !path.includes(".convex-lens") });
  return dir;
}

export function removeScratch(): void {
  // A serve process that just exited may still be deleting its own build folder in there.
  rmSync(TMP, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

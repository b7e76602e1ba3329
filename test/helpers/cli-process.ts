// Runs the built CLI (dist/cli.js) as a user would, and reads its output as it comes.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";

export const REPO = resolve(__dirname, "..", "..");
export const CLI = join(REPO, "dist", "cli.js");

export interface CliRun {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export interface CliOptions {
  cwd?: string;
  /** Node options before the script (e.g. a `--require` preload). */
  execArgv?: string[];
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** The CLI leads a process group of its own (signals to its group reach nothing else). */
  detached?: boolean;
}

export function runCli(args: string[], options: CliOptions = {}): CliRun {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), CLI, ...args], {
    cwd: options.cwd ?? REPO,
    stdio: ["ignore", "pipe", "pipe"],
    env: options.env ? { ...process.env, ...options.env } : process.env,
    detached: options.detached ?? false,
  });
  let output = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const wake of waiters) wake();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor(pattern, timeoutMs = 15000) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            waiters.delete(check);
            clearTimeout(timer);
            resolvePromise(match);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in output:\n${output}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** A writable copy of a fixture inside the repo (so `convex` resolves from our node_modules). */
export function copyFixture(name: string): string {
  const root = join(REPO, "test", ".tmp");
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, `${name}-`));
  cpSync(join(REPO, "test", "fixtures", name), dir, {
    recursive: true,
    filter: (source) => !source.includes(".convex-lens"),
  });
  return dir;
}

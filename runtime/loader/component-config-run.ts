// Runs component-config-worker.ts in a short-lived child process with a heap cap, and kills it
// when it is done or stuck. A process, not a worker thread: a worker's resourceLimits do not hold
// against one large allocation (`new Array(1e8)`), which makes V8 abort the whole process, here
// VS Code's extension host. The vm time limit inside the child stops an endless loop in a config;
// the timer here catches whatever escapes it (a child that never starts or never answers).
import { fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BundlePosition, ConfigWorkerMessage, EvaluationFailure, EvaluationInput } from "./component-config-worker.js";
import { ownRequire } from "./own-require.js";

/** The backend's limit for evaluating one definition (DATABASE_UDF_USER_TIMEOUT). */
export const CONFIG_TIMEOUT_MS = 1000;
/** Configs build a few small objects; a config that needs more is runaway code. */
export const CONFIG_MEMORY_LIMIT_MB = 128;
// Starting the process (and, under tsx, its TypeScript loader) on a busy machine.
const START_ALLOWANCE_MS = 30_000;
// On top of the vm limit before we give up on a config the vm did not stop.
const STUCK_GRACE_MS = 2_000;
// Enough of the child's stderr to tell an out-of-memory abort from another crash.
const STDERR_KEPT = 16 * 1024;

export interface EvaluatedConfig {
  analysis: unknown;
  useSites: BundlePosition[][];
}

export type RunFailure = EvaluationFailure | { kind: "out-of-memory" } | { kind: "crashed"; message: string };

export type RunResult =
  | { ok: true; evaluated: EvaluatedConfig[] }
  /** `index`: the config being evaluated when it failed, null if none had started. */
  | { ok: false; index: number | null; failure: RunFailure };

export function runConfigWorker(input: EvaluationInput): Promise<RunResult> {
  const entry = workerEntry();
  const child = fork(entry, [], {
    execArgv: [
      // Under tsx (tests, development) the TypeScript source is loaded through tsx's require hook.
      ...(entry.endsWith(".ts") ? ["--require", ownRequire.resolve("tsx/cjs")] : []),
      `--max-old-space-size=${CONFIG_MEMORY_LIMIT_MB}`,
    ],
    env: childEnv(),
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    serialization: "advanced",
  });

  return new Promise<RunResult>((resolve) => {
    const evaluated: EvaluatedConfig[] = [];
    let current: number | null = null;
    let stderr = "";
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      resolve(result);
    };
    const armTimer = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => finish({ ok: false, index: current, failure: { kind: "timeout" } }), ms);
    };
    armTimer(START_ALLOWANCE_MS);

    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    child.on("message", (message: ConfigWorkerMessage) => {
      if (message.type === "evaluating") {
        current = message.index;
        armTimer(input.timeoutMs + STUCK_GRACE_MS);
      } else if (message.type === "evaluated") {
        evaluated[message.index] = { analysis: message.analysis, useSites: message.useSites };
      } else if (message.type === "failed") {
        finish({ ok: false, index: message.index, failure: message.failure });
      } else {
        finishIfComplete();
      }
    });
    const finishIfComplete = () => {
      if (evaluated.filter(Boolean).length === input.configs.length) finish({ ok: true, evaluated });
    };
    child.on("error", (error) => finish({ ok: false, index: current, failure: { kind: "crashed", message: error.message } }));
    // "close", not "exit": it comes after the IPC channel is drained, so no message is still on its way.
    child.on("close", (code, signal) => {
      finishIfComplete();
      const outOfMemory = /heap out of memory|Reached heap limit/.test(stderr);
      const lastLine = stderr.trim().split("\n").at(-1) ?? "";
      const message = `the evaluating process exited (${signal ?? `code ${code}`})${lastLine ? `: ${lastLine}` : ""}`;
      finish({ ok: false, index: current, failure: outOfMemory ? { kind: "out-of-memory" } : { kind: "crashed", message } });
    });
    child.send(input);
  });
}

// None of our environment: configs get theirs from `input`. In VS Code, process.execPath is
// Electron, which runs as plain Node only with ELECTRON_RUN_AS_NODE; Windows processes need SystemRoot.
function childEnv(): Record<string, string> {
  const env: Record<string, string> = { ELECTRON_RUN_AS_NODE: "1" };
  if (process.platform === "win32" && process.env.SystemRoot !== undefined) env.SystemRoot = process.env.SystemRoot;
  return env;
}

/** The child's entry: the bundled file next to the extension or CLI bundle, else the TypeScript source. */
function workerEntry(): string {
  const here = typeof __dirname === "string" ? __dirname : path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, "component-config-worker.js");
  return fs.existsSync(bundled) ? bundled : path.join(here, "component-config-worker.ts");
}

// The first load's two longest steps, begun before the stores open: esbuild building the project
// and a worker thread booting (the worker is the longest pole of start-up: 0.7–1.1 s on 2 cores).
// Neither needs the stores, which take 100–300 ms to open (sql.js compiling its wasm, reading
// both databases); started after them, as they were, that time was added to every start.
// The worker boots with services bound later: until the Runtime exists it has no project to run,
// so it makes no call (bench/where-the-time-goes.md, figure 12).
import type { BuildResult } from "../loader/index";
import { buildProject, newBuildDir } from "../loader/index";
import type { AsyncCall, SyncCall } from "../shared/host-ops";
import type { ExecutionEnd, ExecutionLog, ExecutionStart } from "../shared/protocol";
import type { WorkerServices } from "./user-code-worker";
import { WorkerSupply } from "./worker-supply";

/** Forwards to the Runtime's services once it exists; a worker has nothing to ask before that. */
export class LateBoundServices implements WorkerServices {
  #target: WorkerServices | null = null;

  bind(target: WorkerServices): void {
    this.#target = target;
  }

  #bound(): WorkerServices {
    if (!this.#target) throw new Error("A worker called the runtime before it had opened its stores.");
    return this.#target;
  }

  call(worker: number, call: AsyncCall): Promise<unknown> {
    return this.#bound().call(worker, call);
  }

  callSync(worker: number, call: SyncCall): unknown {
    return this.#bound().callSync(worker, call);
  }

  onExecutionStart(event: ExecutionStart): void {
    this.#bound().onExecutionStart(event);
  }

  onExecutionLog(event: ExecutionLog): void {
    this.#bound().onExecutionLog(event);
  }

  onExecutionEnd(event: ExecutionEnd): void {
    this.#bound().onExecutionEnd(event);
  }

  onWorkerGone(worker: number): void {
    // A worker that exits before the stores opened (the start failed) held nothing.
    this.#target?.onWorkerGone(worker);
  }
}

/** A build under way in a new build folder of the project. */
export interface StartedBuild {
  outDir: string;
  /** When it started reading the project (ms since the epoch): saves after it are changes. */
  startedAt: number;
  /** Performance clock at its start: "reloaded in N ms" counts from here. */
  startedPerf: number;
  result: Promise<BuildResult>;
}

export interface EarlyStart {
  services: LateBoundServices;
  supply: WorkerSupply;
  firstBuild: StartedBuild;
}

/**
 * Starts esbuild on the project into a new build folder: the first load's (before the stores
 * open) and every reload's. convex.config.ts sees the deployment's variables (`env`), as the app's
 * functions do.
 */
export function startBuild(projectDir: string, env: Record<string, string>): StartedBuild {
  const startedAt = Date.now();
  const startedPerf = performance.now();
  const { outDir } = newBuildDir(projectDir);
  return { outDir, startedAt, startedPerf, result: buildProject({ projectDir, outDir, env }) };
}

export function beginEarlyStart(options: { projectDir: string; memoryLimitMb: number; env: Record<string, string> }): EarlyStart {
  const services = new LateBoundServices();
  const supply = new WorkerSupply(services, { projectDir: options.projectDir, memoryLimitMb: options.memoryLimitMb });
  supply.warm(null);
  const firstBuild = startBuild(options.projectDir, options.env);
  // Awaited by the first reload; a start that fails before then must not leave it unhandled.
  firstBuild.result.catch(() => undefined);
  return { services, supply, firstBuild };
}

// Hands out user-code workers, keeping one spare that has already booted (a worker thread takes
// ~45 ms to start) and imported the project's `convex` (~50 ms more), so a reload only has to
// load the new build. Every worker, the first one included, starts the same way: spawned, then
// given its build by `UserCodeWorker.start`.
//
// The spare imports `convex` through a module written into the serving build folder, so Node
// resolves it to the same file URL as the built modules' `import "convex/server"` and those find
// it in the ESM cache. That cache never rereads a file: a spare that imported `convex` before
// `npm install convex@other` would hand the old package to the new build. So each spare notes
// which `convex` it imported and is only used while that is still the one installed.
import { realpathSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { findWorkspaceConvex } from "../loader/convex-package";
import { UserCodeWorker, type WorkerInitData, type WorkerServices } from "./user-code-worker";

export interface SupplyOptions {
  projectDir: string;
  memoryLimitMb: number;
}

const PREWARM_FILE = ".prewarm.mjs";
const PREWARM_SOURCE = `// Written by Convex Lens: a spare worker imports this to load \`convex\` before the next build.\nimport "convex/server";\nimport "convex/values";\n`;

export class WorkerSupply {
  /** `convex`: the stamp of the package it imported, null if it imported none. */
  #spare: { worker: UserCodeWorker; convex: string | null } | null = null;
  #closed = false;
  /** Every worker handed out or waiting as the spare, until it exits. */
  readonly #all = new Set<UserCodeWorker>();

  constructor(
    private readonly services: WorkerServices,
    private readonly options: SupplyOptions,
  ) {}

  /** The worker that the next `start` takes, if there is one (for tests and diagnostics). */
  get spare(): UserCodeWorker | null {
    return this.#spare?.worker ?? null;
  }

  /** The workers alive now, of every pool (the memory meter accounts for all of them). */
  get live(): UserCodeWorker[] {
    for (const worker of this.#all) if (worker.exited) this.#all.delete(worker);
    return [...this.#all];
  }

  /** A worker loading `init`: the spare if it can take it, else a new one. */
  start(init: WorkerInitData): UserCodeWorker {
    const worker = this.#takeSpare() ?? this.#boot(null);
    worker.start(init);
    return worker;
  }

  /**
   * Boots a spare unless one is ready. `buildDir` is a build folder of this project that stays
   * until the spare is used (the serving one); without it the spare only boots.
   */
  warm(buildDir: string | null): void {
    if (this.#closed || (this.#spare && !this.#spare.worker.exited)) return;
    const prewarm = buildDir === null ? null : writePrewarm(buildDir, this.options.projectDir);
    this.#spare = { worker: this.#boot(prewarm?.url ?? null), convex: prewarm?.convex ?? null };
  }

  #boot(prewarm: string | null): UserCodeWorker {
    const worker = new UserCodeWorker(this.services, { memoryLimitMb: this.options.memoryLimitMb, prewarm });
    this.#all.add(worker);
    return worker;
  }

  /** Stops the spare; later `warm` calls do nothing. */
  async close(): Promise<void> {
    this.#closed = true;
    const spare = this.#spare;
    this.#spare = null;
    await spare?.worker.terminate({ message: "The runtime stopped" });
  }

  #takeSpare(): UserCodeWorker | null {
    const spare = this.#spare;
    this.#spare = null;
    if (!spare || spare.worker.exited) return null;
    if (spare.convex !== null && spare.convex !== convexStamp(this.options.projectDir)) {
      void spare.worker.terminate({ message: "The project's convex package changed" });
      return null;
    }
    return spare.worker;
  }
}

/** Writes the module a spare imports into `buildDir`; null when the project has no `convex` to load. */
function writePrewarm(buildDir: string, projectDir: string): { url: string; convex: string } | null {
  // Taken before the spare imports anything: an install that lands later changes it.
  const convex = convexStamp(projectDir);
  if (convex === null) return null;
  try {
    const file = join(buildDir, PREWARM_FILE);
    writeFileSync(file, PREWARM_SOURCE);
    return { url: pathToFileURL(file).href, convex };
  } catch {
    // The folder is gone (a newer build replaced it): the spare still saves its boot.
    return null;
  }
}

/**
 * Which `convex` the built modules would import now: the package folder, its version, and its
 * package.json's identity (an install replaces the file). Null when the project has none, and
 * builds bundle Convex Lens's own copy instead.
 */
export function convexStamp(projectDir: string): string | null {
  const convex = findWorkspaceConvex(projectDir);
  if (convex === null) return null;
  try {
    const pkg = statSync(join(convex.dir, "package.json"));
    return [realpathSync(convex.dir), convex.version, pkg.ino, pkg.size, pkg.mtimeMs, pkg.ctimeMs].join(" ");
  } catch {
    return null;
  }
}

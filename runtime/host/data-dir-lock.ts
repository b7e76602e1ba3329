// One runtime per data folder. Two runtimes on the same folder (a `convex-lens serve --port …`
// beside the VS Code extension, both on the project's default `.convex-lens/`) would each keep
// their own copy of the database in memory, append to one commit log, and checkpoint over each
// other: acknowledged writes of one of them silently disappear. The folder gets a lock file with
// the owner's pid and start time; a lock whose process is gone (kill -9, a crash) is taken over,
// and so is one whose pid now belongs to another process (its start time differs).
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { isProcessAlive, processStartTime } from "../shared/process-alive";

export const LOCK_FILE = "convex-lens.lock";

/** Folders locked by runtimes of this process (the lock file alone cannot tell them apart). */
const heldHere = new Set<string>();

export class DataDirInUseError extends Error {
  constructor(dataDir: string, owner: string, lockFile: string) {
    super(
      `The data folder ${dataDir} is in use by another Convex Lens runtime (${owner}): a \`convex-lens serve\` or a VS Code ` +
        `window serving this project. Two runtimes on one data folder would overwrite each other's writes. Stop the other ` +
        `one, or give this one its own folder (--data <folder>). If no other Convex Lens is running, delete ${lockFile}.`,
    );
    this.name = "DataDirInUseError";
  }
}

interface Owner {
  pid: number;
  /** processStartTime of the owner; null in locks written before it was recorded. */
  started: string | null;
}

function ownerOf(file: string): Owner | null {
  try {
    const { pid, started } = JSON.parse(readFileSync(file, "utf8")) as { pid?: unknown; started?: unknown };
    if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return null;
    return { pid, started: typeof started === "string" ? started : null };
  } catch {
    return null; // gone, or cut short by a crash while it was written
  }
}

/** Takes the folder's lock; returns the function that releases it. Throws DataDirInUseError. */
export function lockDataDir(dataDir: string): () => void {
  const dir = resolve(dataDir);
  const file = join(dir, LOCK_FILE);
  if (heldHere.has(dir)) throw new DataDirInUseError(dir, `another runtime of this process, ${process.pid}`, file);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = ownerOf(file);
      if (owner !== null && owner.pid !== process.pid && isProcessAlive(owner.pid, owner.started)) {
        throw new DataDirInUseError(dir, `process ${owner.pid}`, file);
      }
      // Left by a process that is gone (or whose pid another process has now), or by a runtime of
      // this one that did not close: stale.
      try {
        unlinkSync(file);
      } catch {
        // Someone else removed it first; try again.
      }
      continue;
    }
    try {
      const started = processStartTime(process.pid);
      writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString(), ...(started === null ? {} : { started }) }));
    } finally {
      closeSync(fd);
    }
    heldHere.add(dir);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      heldHere.delete(dir);
      try {
        if (ownerOf(file)?.pid === process.pid) unlinkSync(file);
      } catch {
        // Already gone.
      }
    };
  }
  throw new DataDirInUseError(dir, "a runtime that started at the same moment", file);
}

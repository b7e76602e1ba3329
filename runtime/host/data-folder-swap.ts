// Replaces a data folder's database and stored files by ones built aside (a snapshot import), so
// that a process killed at any moment leaves the old data or the new, never a mix of both and
// never nothing. The replaced parts are the database (`data.sqlite` and the files the store keeps
// beside it, `data.sqlite.*`) and the stored files (`files/`); the log store, the dev issuer's
// keys and the lock stay.
//
// A swap is two rounds of renames inside the data folder (one file system, so each is atomic):
// the old parts into an "aside" folder, then the new ones in from the staging folder. Before the
// first rename a journal naming both folders and the incoming parts is written durably. Whoever
// next takes the folder's lock finishes what a killed swap left (settleDataFolder): if nothing
// new had come in yet, the old parts go back; once one had, the old ones were all aside already,
// so the rest of the new ones come in. Work folders left by killed processes are then removed.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { isProcessAlive } from "../shared/process-alive";
import { lockDataDir } from "./data-dir-lock";

export const DATABASE_FILE = "data.sqlite";
export const FILES_FOLDER = "files";
const JOURNAL = ".swap.json";

export type WorkFolderPurpose = "import" | "export" | "replaced";

interface SwapJournal {
  /** Folder names inside the data folder. */
  aside: string;
  staging: string;
  /** The parts the staging folder held when the swap began. */
  incoming: string[];
}

function isReplacedPart(name: string): boolean {
  return name === FILES_FOLDER || name === DATABASE_FILE || name.startsWith(`${DATABASE_FILE}.`);
}

/**
 * A new empty folder inside the data folder, for work that must not show until it is done. Its
 * name carries this process's id, so a later start can tell a killed process's leftovers from work
 * under way.
 */
export function workFolder(dataDir: string, purpose: WorkFolderPurpose): string {
  mkdirSync(dataDir, { recursive: true });
  return mkdtempSync(join(dataDir, `.${purpose}-${process.pid}-`));
}

export function removeFolder(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Replaces the database and files of `dataDir` by those built in `staging`. The caller holds the
 * lock. A failed rename puts everything back and throws; `beforeRename` is the crash tests' seam.
 */
export function swapIn(dataDir: string, staging: string, beforeRename: () => void = () => undefined): void {
  const aside = workFolder(dataDir, "replaced");
  const incoming = readdirSync(staging).filter(isReplacedPart);
  writeJournal(dataDir, { aside: basename(aside), staging: basename(staging), incoming });
  const movedAside: string[] = [];
  const movedIn: string[] = [];
  try {
    for (const name of readdirSync(dataDir).filter(isReplacedPart)) {
      beforeRename();
      renameSync(join(dataDir, name), join(aside, name));
      movedAside.push(name);
    }
    for (const name of incoming) {
      beforeRename();
      renameSync(join(staging, name), join(dataDir, name));
      movedIn.push(name);
    }
  } catch (error) {
    // Back as it was: what came in goes back to staging, what went aside comes back.
    for (const name of movedIn) renameSync(join(dataDir, name), join(staging, name));
    for (const name of movedAside) renameSync(join(aside, name), join(dataDir, name));
    rmSync(join(dataDir, JOURNAL), { force: true });
    removeFolder(aside);
    throw error;
  }
  rmSync(join(dataDir, JOURNAL), { force: true });
  removeFolder(aside);
}

/**
 * Finishes a swap that a killed process left half done, then removes the work folders of processes
 * that are gone. The caller holds the folder's lock. Returns what was done about a swap, for the
 * user, or null when there was none.
 */
export function settleDataFolder(dataDir: string): string | null {
  if (!existsSync(dataDir)) return null;
  const outcome = finishInterruptedSwap(dataDir);
  for (const name of readdirSync(dataDir)) {
    if (isAbandonedWorkFolder(name)) removeFolder(join(dataDir, name));
  }
  return outcome;
}

function finishInterruptedSwap(dataDir: string): string | null {
  const journal = readJournal(dataDir);
  if (journal === null) return null;
  const aside = join(dataDir, journal.aside);
  const staging = join(dataDir, journal.staging);
  const stillStaged = journal.incoming.filter((name) => existsSync(join(staging, name)));
  let outcome: string;
  if (stillStaged.length === journal.incoming.length) {
    for (const name of existsSync(aside) ? readdirSync(aside) : []) {
      if (!existsSync(join(dataDir, name))) renameSync(join(aside, name), join(dataDir, name));
    }
    outcome = "A snapshot import was stopped before it replaced anything; the data folder holds its earlier data.";
  } else {
    for (const name of stillStaged) renameSync(join(staging, name), join(dataDir, name));
    outcome = "A snapshot import was stopped while it replaced the data folder's data; it has been completed now.";
  }
  rmSync(join(dataDir, JOURNAL), { force: true });
  removeFolder(aside);
  removeFolder(staging);
  return outcome;
}

function writeJournal(dataDir: string, journal: SwapJournal): void {
  const temporary = join(dataDir, `${JOURNAL}.tmp`);
  writeFileSync(temporary, JSON.stringify(journal));
  syncPath(temporary);
  renameSync(temporary, join(dataDir, JOURNAL));
  syncPath(dataDir);
}

function readJournal(dataDir: string): SwapJournal | null {
  const file = join(dataDir, JOURNAL);
  if (!existsSync(file)) return null;
  const text = readFileSync(file, "utf8");
  try {
    const value = JSON.parse(text) as Partial<SwapJournal>;
    if (
      isFolderName(value.aside) &&
      isFolderName(value.staging) &&
      Array.isArray(value.incoming) &&
      value.incoming.every((name) => typeof name === "string" && isReplacedPart(name))
    ) {
      return { aside: value.aside, staging: value.staging, incoming: value.incoming };
    }
  } catch {
    // Reported below with what to do.
  }
  // The journal is written whole and renamed into place, so only something else can damage it.
  throw new Error(
    `${file} is damaged, so Convex Lens cannot tell how far a snapshot import got. The earlier data is in the .replaced-* folder ` +
      `and the imported data in the .import-* folder of ${dataDir}: move the database and files/ of the one you want into ${dataDir}, then delete ${file}.`,
  );
}

function isFolderName(value: unknown): value is string {
  return typeof value === "string" && /^\.(import|replaced)-[\w-]+$/.test(value);
}

/** `.import-<pid>-…` and its kin whose process is gone; names without a pid come from older versions. */
function isAbandonedWorkFolder(name: string): boolean {
  const match = /^\.(?:import|export|replaced)-(?:(\d+)-)?[\w]+$/.exec(name);
  if (!match) return false;
  if (match[1] === undefined) return true;
  const pid = Number(match[1]);
  return pid !== process.pid && !isProcessAlive(pid);
}

function syncPath(path: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(path, "r");
    fsyncSync(fd);
  } catch {
    // Directories cannot be opened for fsync on every platform; a kill does not need it, power loss does.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Takes the folder's lock (data-dir-lock.ts) and settles what a killed process left there. Returns
 * the release and what was done about an interrupted swap, for the user (null when nothing).
 */
export function lockAndSettle(dataDir: string): { unlock: () => void; settled: string | null } {
  const unlock = lockDataDir(dataDir);
  try {
    return { unlock, settled: settleDataFolder(dataDir) };
  } catch (error) {
    unlock();
    throw error;
  }
}

// Replaces a file so that a crash leaves either the old contents or the new, never a torn file:
// write a sibling temp file, fsync it, rename it over the target, then fsync the directory so the
// rename itself is durable.
//
// The bytes go to the temp file before the returned promise exists (synchronously, into the page
// cache), so the caller may pass a view of memory that changes as soon as its turn ends: the log
// store passes its live database file (shared/file-buffer.ts) instead of a copy of it. The fsync,
// the rename and the directory's fsync, the slow part, are asynchronous.
//
// A failed write removes its temp file (on a full disk it holds space others need) and throws a
// DiskWriteError that says why in plain words; a temp file left by a killed process is removed by
// removeTempLeftovers when the file is next opened.
import { randomBytes } from "node:crypto";
import { closeSync, fsync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { promisify } from "node:util";
import path from "node:path";
import { DiskWriteError, diskProblem } from "../shared/disk-error.js";

const fsyncFd = promisify(fsync);

export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    // Everything up to the first await runs before the caller's turn ends (see the top of the file).
    mkdirSync(dir, { recursive: true });
    const fd = openSync(temp, "w");
    try {
      writeAll(fd, data);
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new DiskWriteError(diskProblem(error, temp), file, error);
  }
  await syncDirectory(dir);
}

function writeAll(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/** Removes the temp files writeFileAtomic left for `file` (only when nothing is writing it). */
export function removeTempLeftovers(file: string): void {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // no folder yet: nothing left over
  }
  for (const name of names) {
    if (name.startsWith(prefix) && /^\d+\.[0-9a-f]+\.tmp$/.test(name.slice(prefix.length))) rmSync(path.join(dir, name), { force: true });
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Opening a directory for fsync is not possible on Windows; there the rename is as durable as
  // the platform makes it.
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

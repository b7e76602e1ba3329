// Replaces a file so that a crash leaves either the old contents or the new, never a torn file:
// write a sibling temp file, fsync it, rename it over the target, then fsync the directory so the
// rename itself is durable.
//
// A failed write removes its temp file (on a full disk it holds space others need) and throws a
// DiskWriteError that says why in plain words; a temp file left by a killed process is removed by
// removeTempLeftovers when the file is next opened.
import { randomBytes } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { DiskWriteError, diskProblem } from "../shared/disk-error.js";

export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new DiskWriteError(diskProblem(error, temp), file, error);
  }
  await syncDirectory(dir);
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

// A disk that runs out of space, for tests on machines where no small file system can be mounted
// (CI runs without root). Writes to files opened under one folder draw on a budget of free bytes:
// a write larger than what is left writes what fits and returns the short count, as the kernel
// does, and the next one fails with a real ENOSPC error. Everything else about the files is real.
//
// The budget lives in a control file, so a test can change it while a child process runs:
// `setFreeSpace(control, 100)` leaves 100 bytes, `setFreeSpace(control, null)` frees the disk.
// In this process: `limitDiskSpace(folder, control)`. In a child: `diskSpacePreload()` builds a
// preload for `node --require`, configured through DISK_SPACE_FOLDER and DISK_SPACE_CONTROL.
//
// Covered: fs.openSync + fs.writeSync (the commit log, the snapshot) and fs.promises.open +
// FileHandle.writeFile/write (the log store). Space freed by truncating a file is not given back:
// a test frees space by raising the budget.
import fs from "node:fs";
import * as path from "node:path";

/** Writes the free space (bytes) into the control file; null: unlimited. */
export function setFreeSpace(control: string, bytes: number | null): void {
  if (bytes === null) fs.rmSync(control, { force: true });
  else fs.writeFileSync(control, `${bytes} ${process.hrtime.bigint()}`);
}

export function noSpaceError(syscall = "write"): NodeJS.ErrnoException {
  const error = new Error(`ENOSPC: no space left on device, ${syscall}`) as NodeJS.ErrnoException;
  error.errno = -28;
  error.code = "ENOSPC";
  error.syscall = syscall;
  return error;
}

/** Patches this process's fs so that writes under `folder` draw on the budget in `control`. */
export function limitDiskSpace(folder: string, control: string): void {
  const root = path.resolve(folder);
  const limited = (file: unknown) => {
    if (typeof file !== "string" && !(file instanceof URL) && !Buffer.isBuffer(file)) return false;
    const resolved = path.resolve(file instanceof URL ? file.pathname : String(file));
    return resolved === root || resolved.startsWith(root + path.sep);
  };
  // The budget: the control file's contents when they last changed, minus what was written since.
  let generation = "";
  let used = 0;
  const remaining = (): number => {
    let text: string;
    try {
      text = fs.readFileSync(control, "utf8");
    } catch {
      generation = "";
      return Infinity;
    }
    if (text !== generation) {
      generation = text;
      used = 0;
    }
    return Number(text.split(" ")[0]) - used;
  };
  /** How many of `length` bytes fit; throws ENOSPC when none do. */
  const allowance = (length: number): number => {
    const left = remaining();
    if (length === 0 || left >= length) return length;
    if (left <= 0) throw noSpaceError();
    return left;
  };

  const fds = new Set<number>();
  const openSync = fs.openSync;
  fs.openSync = ((file: fs.PathLike, ...rest: unknown[]) => {
    const fd = (openSync as (...args: unknown[]) => number)(file, ...rest);
    if (limited(file)) fds.add(fd);
    return fd;
  }) as typeof fs.openSync;
  const closeSync = fs.closeSync;
  fs.closeSync = (fd: number) => {
    fds.delete(fd);
    closeSync(fd);
  };
  const writeSync = fs.writeSync;
  fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    const write = writeSync as (...args: unknown[]) => number;
    if (!fds.has(fd)) return write(fd, data, ...rest);
    // Strings are written as their UTF-8 bytes, so that a short write can cut them anywhere.
    const bytes =
      typeof data === "string"
        ? Buffer.from(data, "utf8")
        : Buffer.from(
            (data as NodeJS.ArrayBufferView).buffer,
            (data as NodeJS.ArrayBufferView).byteOffset,
            (data as NodeJS.ArrayBufferView).byteLength,
          );
    const offset = typeof data === "string" ? 0 : ((rest[0] as number | undefined) ?? 0);
    const length = typeof data === "string" ? bytes.length : ((rest[1] as number | undefined) ?? bytes.length - offset);
    const position = typeof data === "string" ? (rest[0] as number | null | undefined) : (rest[2] as number | null | undefined);
    const written = write(fd, bytes, offset, allowance(length), position ?? null);
    used += written;
    return written;
  }) as typeof fs.writeSync;

  const promisesOpen = fs.promises.open;
  fs.promises.open = (async (file: fs.PathLike | fs.promises.FileHandle, ...rest: unknown[]) => {
    const handle = await (promisesOpen as (...args: unknown[]) => Promise<fs.promises.FileHandle>)(file, ...rest);
    if (!limited(file)) return handle;
    const write = handle.write.bind(handle) as (...args: unknown[]) => Promise<{ bytesWritten: number }>;
    handle.writeFile = async (data: unknown) => {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data as Uint8Array);
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesWritten } = await write(bytes, offset, allowance(bytes.length - offset));
        used += bytesWritten;
        offset += bytesWritten;
      }
    };
    return handle;
  }) as typeof fs.promises.open;
}

/**
 * A preload script (plain CommonJS, bundled from disk-space-preload.ts) for `node --require`,
 * and the environment that points it at the folder and the control file.
 */
export function diskSpacePreload(folder: string, control: string, outDir: string): { execArgv: string[]; env: Record<string, string> } {
  const esbuild = require("esbuild") as typeof import("esbuild");
  const outfile = path.join(outDir, "disk-space-preload.cjs");
  esbuild.buildSync({
    entryPoints: [path.join(__dirname, "disk-space-preload.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile,
    external: ["esbuild"],
    logLevel: "warning",
  });
  return { execArgv: ["--require", outfile], env: { DISK_SPACE_FOLDER: folder, DISK_SPACE_CONTROL: control } };
}

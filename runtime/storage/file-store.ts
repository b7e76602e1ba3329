// The bytes of stored files: `<dataDir>/files/<storage id>`. New files are written to
// `files/.tmp/` first (hashed and counted as they stream in) and renamed into place under the
// store's write lock, just before their `_storage` document commits; so, whenever no write
// transaction is open, a file without a committed document is garbage.
//
// File names come only from canonical `_storage` IDs (base32 letters and digits), checked again
// here, so no request text can name a path outside the folder.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { canonicalStorageId } from "./storage-ids";

export interface TempFile {
  path: string;
  size: number;
  /** SHA-256 of the contents. */
  sha256: Buffer;
}

export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The file is larger than the upload limit of ${limit} bytes`);
  }
}

export class FileStore {
  readonly dir: string;
  readonly #tmpDir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "files");
    this.#tmpDir = join(this.dir, ".tmp");
    mkdirSync(this.#tmpDir, { recursive: true });
  }

  /** Where the bytes of `id` live. Refuses anything but a canonical `_storage` ID. */
  pathOf(id: string): string {
    if (canonicalStorageId(id) !== id) throw new Error(`Not a storage ID: ${JSON.stringify(id)}`);
    const path = join(this.dir, id);
    if (dirname(path) !== this.dir) throw new Error(`Not a storage ID: ${JSON.stringify(id)}`);
    return path;
  }

  /** Writes `source` to a new temp file; over `limit` bytes it stops, removes it and throws. */
  async writeTemp(source: Uint8Array | ReadableStream<Uint8Array> | null, limit = Infinity): Promise<TempFile> {
    const path = join(this.#tmpDir, randomBytes(12).toString("hex"));
    const hash = createHash("sha256");
    let size = 0;
    const handle = await open(path, "wx");
    try {
      const write = async (chunk: Uint8Array) => {
        size += chunk.byteLength;
        if (size > limit) throw new FileTooLargeError(limit);
        hash.update(chunk);
        await handle.write(chunk);
      };
      if (source instanceof Uint8Array) await write(source);
      else if (source) await drain(source, write);
      // No fsync: the store's commit log is not fsynced either (see StoreOptions.syncCommits);
      // the rename still makes the file appear whole or not at all.
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(path, { force: true });
      throw error;
    }
    return { path, size, sha256: hash.digest() };
  }

  /** Moves a temp file into place as the bytes of `id`. */
  async place(temp: TempFile, id: string): Promise<void> {
    await rename(temp.path, this.pathOf(id));
  }

  async discard(temp: TempFile): Promise<void> {
    await rm(temp.path, { force: true });
  }

  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }

  /** Opens the bytes of `id` for reading; null when there is no such file. */
  async open(id: string): Promise<FileHandle | null> {
    try {
      return await open(this.pathOf(id), "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  /** The storage IDs that have bytes on disk (other names in the folder are left alone). */
  storedIds(): string[] {
    return readdirSync(this.dir).filter((name) => canonicalStorageId(name) === name);
  }

  /** Drops unfinished uploads of an earlier run. Only when nothing is being written. */
  clearTemp(): void {
    for (const name of readdirSync(this.#tmpDir)) rmSync(join(this.#tmpDir, name), { force: true, recursive: true });
  }
}

async function drain(stream: ReadableStream<Uint8Array>, write: (chunk: Uint8Array) => Promise<void>): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      await write(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    reader.releaseLock();
  }
}

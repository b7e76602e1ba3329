// What `ctx.storage` and the storage endpoints do, over the store and the files folder. Inside a
// query or mutation everything happens in the caller's transaction (so a mutation's store or
// delete commits or rolls back with it); actions, HTTP actions and uploads use a transaction of
// their own, held only for the few synchronous steps, never while bytes stream.
import type { FileHandle } from "node:fs/promises";
import type { OpContext } from "../host/op-handlers";
import type { Runtime } from "../host/runtime";
import type { ReadTransaction, WriteTransaction } from "../store/types";
import type { FileReconciler } from "./file-reconciler";
import type { FileStore, TempFile } from "./file-store";
import { badSha256Option, bytesMissing, sha256Mismatch, storageIdNotFound, storageIdOfOtherTable } from "./messages";
import { insertEntry, readEntry, removeEntry, storageTableOfId, type StorageEntry } from "./storage-records";
import { STORAGE_TABLE, type StorageIdArg } from "./storage-ids";
import { storedTableName } from "../store/namespaces";
import type { UploadTokens } from "./upload-tokens";

export class Sha256MismatchError extends Error {}

export interface StoredBytes {
  bytes: Buffer;
  contentType: string | null;
}

export class StorageService {
  constructor(
    private readonly runtime: Runtime,
    readonly files: FileStore,
    private readonly reconciler: FileReconciler,
    private readonly tokens: UploadTokens,
  ) {}

  /** `${CONVEX_CLOUD_URL}/api/storage/<id>` (the backend puts its internal UUID there). */
  urlOf(id: string): string {
    return `${this.runtime.options.cloudUrl}/api/storage/${id}`;
  }

  async getUrl(ctx: OpContext, arg: StorageIdArg): Promise<string | null> {
    if (arg.kind === "legacy") return null;
    const entry = await this.#read(ctx, (tx) => this.#entry(tx, ctx, arg.id));
    return entry ? this.urlOf(entry.id) : null;
  }

  /** The deprecated `getMetadata`: sha256 in hex, contentType null when unknown. */
  async getMetadata(ctx: OpContext, arg: StorageIdArg): Promise<Record<string, unknown> | null> {
    if (arg.kind === "legacy") return null;
    const entry = await this.#read(ctx, (tx) => this.#entry(tx, ctx, arg.id));
    if (!entry) return null;
    return {
      storageId: entry.id,
      sha256: Buffer.from(entry.sha256, "base64").toString("hex"),
      size: entry.size,
      contentType: entry.contentType,
    };
  }

  /** The upload lands in the calling install's `_storage`: the token remembers which. */
  generateUploadUrl(ctx: OpContext): string {
    return `${this.runtime.options.cloudUrl}/api/storage/upload?token=${this.tokens.issue(ctx.component)}`;
  }

  async delete(ctx: OpContext, arg: StorageIdArg): Promise<void> {
    if (arg.kind === "legacy") throw storageIdNotFound(arg.text);
    const id = arg.id;
    await this.#write(ctx, (tx) => {
      if (!this.#entry(tx, ctx, id)) throw storageIdNotFound(id);
      removeEntry(tx, id, this.#table(ctx));
      if (ctx.txId !== null) this.reconciler.touch(ctx.txId, ctx.worker, id);
    });
    // The caller's own transaction has committed: the bytes can go (a mutation's go when it ends).
    if (ctx.txId === null) await this.files.remove(id);
  }

  /**
   * Stores bytes (a Buffer, or a request body streamed to disk) and returns the new storage ID.
   * `expectedSha256` is base64, as `store(blob, {sha256})` and the `Digest` header carry it.
   * An upload has no function context: `component` says whose `_storage` it goes to.
   */
  async store(
    ctx: OpContext | { component: string; txId: null },
    source: Uint8Array | ReadableStream<Uint8Array> | null,
    contentType: string | null,
    expectedSha256: string | null,
    limit?: number,
  ): Promise<string> {
    const expected = expectedSha256 === null ? null : decodeSha256(expectedSha256);
    const temp = await this.files.writeTemp(source, limit);
    let placed: string | null = null;
    try {
      if (expected && !expected.equals(temp.sha256)) {
        throw new Sha256MismatchError(sha256Mismatch(expected.toString("base64"), temp.sha256.toString("base64")));
      }
      return await this.#write(
        ctx,
        async (tx) => (placed = await this.#place(tx, temp, contentType, ctx)),
        // Bytes placed for a document that did not commit are garbage.
        async () => {
          if (placed) await this.files.remove(placed);
        },
      );
    } finally {
      await this.files.discard(temp);
    }
  }

  /** The bytes and content type of a file, or null. */
  async get(ctx: OpContext, arg: StorageIdArg): Promise<StoredBytes | null> {
    if (arg.kind === "legacy") return null;
    const opened = await this.#read(ctx, (tx) => this.#openEntry(tx, this.#table(ctx), arg.id));
    if (!opened) return null;
    try {
      return { bytes: await opened.handle.readFile(), contentType: opened.entry.contentType };
    } finally {
      await opened.handle.close();
    }
  }

  /** For the download endpoint: the entry and an open handle (the caller closes it), or null. */
  async openForDownload(id: string): Promise<{ entry: StorageEntry; handle: FileHandle } | null> {
    // Storage IDs are unique across installs: the URL needs no component to find the file.
    const table = storageTableOfId(this.runtime.store, id);
    return table === null ? null : this.#read(null, (tx) => this.#openEntry(tx, table, id));
  }

  /**
   * Inserts the document, then renames the bytes into place, in the write transaction: the file
   * exists before the document can commit, and a document never names missing bytes.
   */
  async #place(
    tx: WriteTransaction,
    temp: TempFile,
    contentType: string | null,
    ctx: OpContext | { component: string; txId: null },
  ): Promise<string> {
    const table = this.#table(ctx);
    const id = insertEntry(tx, table, temp, contentType);
    if (ctx.txId !== null && "worker" in ctx) this.reconciler.touch(ctx.txId, ctx.worker, id);
    try {
      await this.files.place(temp, id);
    } catch (error) {
      // A mutation may catch this and commit: it must not commit a document without bytes.
      removeEntry(tx, id, table);
      throw error;
    }
    return id;
  }

  async #openEntry(tx: ReadTransaction, table: string, id: string): Promise<{ entry: StorageEntry; handle: FileHandle } | null> {
    if (storageTableOfId(this.runtime.store, id) !== table) return null;
    const entry = readEntry(tx, id, table);
    if (!entry) return null;
    // Opened while the document is known to exist: a delete committing later unlinks the name,
    // and this handle still reads the bytes.
    const handle = await this.files.open(id);
    if (!handle) throw bytesMissing(id, this.files.dir);
    return { entry, handle };
  }

  /** The stored name of the calling install's `_storage`. */
  #table(ctx: { component: string } | null): string {
    return storedTableName(ctx?.component ?? "", STORAGE_TABLE);
  }

  /**
   * The file `id` of the calling install. A file of another install is not there, as it would not
   * be in another deployment; an ID of a table that is no `_storage` is the backend's error.
   */
  #entry(tx: ReadTransaction, ctx: { component: string }, id: string): StorageEntry | null {
    const stored = this.runtime.store.tableNameOfId(id);
    if (stored !== null && storageTableOfId(this.runtime.store, id) === null) throw storageIdOfOtherTable();
    const table = this.#table(ctx);
    return stored === table ? readEntry(tx, id, table) : null;
  }

  /** Runs `fn` in the caller's transaction (queries, mutations) or a read transaction of its own. */
  async #read<T>(ctx: { txId: number | null; worker?: number } | null, fn: (tx: ReadTransaction) => T | Promise<T>): Promise<T> {
    if (ctx?.txId != null) return fn(this.runtime.transactions.get(ctx.txId, ctx.worker!).tx);
    const tx = await this.runtime.store.beginRead();
    try {
      return await fn(tx);
    } finally {
      tx.end();
    }
  }

  /**
   * Like #read, writing: a mutation's transaction commits later (the reconciler settles its
   * files then); an own transaction commits here, and `undo` cleans up after a failed one.
   */
  async #write<T>(
    ctx: { txId: number | null; worker?: number } | null,
    fn: (tx: WriteTransaction) => T | Promise<T>,
    undo?: () => Promise<void>,
  ): Promise<T> {
    if (ctx?.txId != null) return fn(this.runtime.transactions.write(ctx.txId, ctx.worker!));
    const tx = await this.runtime.store.beginWrite();
    let result: T;
    try {
      result = await fn(tx);
      tx.commit();
    } catch (error) {
      tx.abort();
      await undo?.();
      throw error;
    }
    return result;
  }
}

/** A base64 SHA-256 digest (`store(blob, {sha256})`, the `Digest: sha-256=` header), or throws. */
export function decodeSha256(text: string): Buffer {
  const digest = Buffer.from(text, "base64");
  if (digest.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw badSha256Option(text);
  return digest;
}

// File storage: `ctx.storage` (as syscalls the host answers) and the upload/download endpoints of
// the API origin. Bytes live in `<dataDir>/files/`, metadata in `_storage` documents whose IDs are
// the storage IDs. storage-service.ts says which transaction each call uses; file-reconciler.ts
// how bytes and documents are kept in step.
import type { Hono } from "hono";
import type { Runtime } from "../host/runtime";
import type { RuntimeFeature } from "../shared/feature";
import type { STORAGE_OPS } from "../shared/host-ops";
import type { FeatureHandlers } from "../host/op-handlers";
import type { LoadedProject } from "../shared/protocol";
import { FileReconciler } from "./file-reconciler";
import { FileStore } from "./file-store";
import { ensureStorageTable } from "./storage-records";
import { STORAGE_TABLE } from "./storage-ids";
import { storageOps } from "./storage-ops";
import { registerStorageRoutes } from "./storage-routes";
import { StorageService } from "./storage-service";
import { UploadTokens } from "./upload-tokens";

/** How often expired upload tokens and files of killed workers' transactions are cleaned up. */
const HOUSEKEEPING_MS = 60_000;

export interface StorageFeature extends RuntimeFeature {
  /** `ctx.storage`'s ops, for startServing to hand to the runtime with the other features'. */
  readonly ops: FeatureHandlers<typeof STORAGE_OPS>;
}

export function attachStorage(runtime: Runtime, api: Hono): StorageFeature {
  const files = new FileStore(runtime.dataDir);
  const reconciler = new FileReconciler(runtime.store, files, (txId, worker) => {
    try {
      runtime.transactions.get(txId, worker);
      return true;
    } catch {
      return false;
    }
  });
  const tokens = new UploadTokens();
  const service = new StorageService(runtime, files, reconciler, tokens);

  // Nothing can be uploading yet (tokens live in memory), and no function runs before the first
  // load: leftovers of an earlier run (unfinished uploads, bytes of rolled-back stores) go now.
  files.clearTemp();
  // Checked before ensureStorageTable creates the table: see sweepAtStart.
  const hadFileStorage = runtime.store.listTables().some((table) => table.name === STORAGE_TABLE);
  // Both queue on the store's lock now, ahead of any function call.
  const ready = ensureStorageTable(runtime.store).catch((error: unknown) => runtime.notice(`File storage: ${String(error)}`));
  sweepAtStart(runtime, files, reconciler, hadFileStorage);

  // Each component install has its own `_storage`, there as soon as the install is.
  const onLoaded = (project: LoadedProject) => {
    for (const component of project.components) {
      if (component.path === "") continue;
      void ensureStorageTable(runtime.store, component.path).catch((error: unknown) =>
        runtime.notice(`File storage of ${component.path}: ${String(error)}`),
      );
    }
  };
  runtime.on("loaded", onLoaded);
  const onEnd = ({ txId }: { txId: number }) => reconciler.ended(txId);
  runtime.databaseOps.onCommit.add(onEnd);
  runtime.databaseOps.onAbort.add(onEnd);
  registerStorageRoutes(api, service, tokens);

  const housekeeping = setInterval(() => {
    tokens.prune();
    reconciler.checkAbandoned();
  }, HOUSEKEEPING_MS);
  housekeeping.unref();

  return {
    ops: storageOps(service),
    async close() {
      clearInterval(housekeeping);
      runtime.off("loaded", onLoaded);
      runtime.databaseOps.onCommit.delete(onEnd);
      runtime.databaseOps.onAbort.delete(onEnd);
      // Work in flight uses the store, which closes after the features.
      await ready;
      await reconciler.idle();
    },
  };
}

/**
 * Removes the bytes no `_storage` document refers to, and says which. A database without the
 * `_storage` table never stored a file: files found then belong to a database that is not there
 * (moved aside, or restored from a backup), so they are left alone.
 */
function sweepAtStart(runtime: Runtime, files: FileStore, reconciler: FileReconciler, hadFileStorage: boolean): void {
  if (!hadFileStorage) {
    const found = files.storedIds().length;
    if (found > 0) {
      runtime.notice(
        `${files.dir} holds ${found} stored file(s), but this database has never stored a file (it is new, or its file was moved aside). ` +
          `They were left in place; put the database they belong to back to use them again.`,
      );
    }
    return;
  }
  reconciler.sweepAll().then(
    (removed) => {
      if (removed.length === 0) return;
      const shown = removed.slice(0, 10).join(", ") + (removed.length > 10 ? ` and ${removed.length - 10} more` : "");
      runtime.notice(
        `Removed ${removed.length} stored file(s) from ${files.dir} that no _storage document refers to (uploads whose mutation did not commit): ${shown}`,
      );
    },
    () => undefined, // the next start sweeps again
  );
}

// The storage syscalls, as convex@1.48's storage_impl.ts sends them (args `{requestId, version,
// ...}`), plus the two JS syscalls of actions that the worker turns into host ops
// (`storage/storeBlob`, `storage/getBlob`, with raw bytes). Which function kinds may call what
// follows the package's ctx.storage: a query only reads (StorageReader).
import type { FeatureHandlers, OpContext } from "../host/op-handlers";
import type { STORAGE_OPS } from "../shared/host-ops";
import { invalidArgument, invalidArguments, notInQueries } from "./messages";
import { parseStorageIdArg } from "./storage-ids";
import type { StorageService } from "./storage-service";

export function storageOps(service: StorageService): FeatureHandlers<typeof STORAGE_OPS> {
  return {
    "1.0/storageGetUrl": (args, ctx) => service.getUrl(ctx, parseStorageIdArg("storage.getUrl", args)),
    "1.0/storageGetMetadata": (args, ctx) => service.getMetadata(ctx, parseStorageIdArg("storage.getMetadata", args)),
    "1.0/storageGenerateUploadUrl": async (_args, ctx) => {
      refuseInQuery(ctx, "generateUploadUrl");
      return service.generateUploadUrl(ctx);
    },
    "1.0/storageDelete": async (args, ctx) => {
      refuseInQuery(ctx, "delete");
      await service.delete(ctx, parseStorageIdArg("storage.delete", args));
      return null;
    },
    // Mutations' `store(blob)`: the bytes arrive base64-encoded.
    "1.0/storageStore": async (args, ctx) => {
      refuseInQuery(ctx, "store");
      // The package's JSON as it came (user code can send anything): each field is checked.
      const { blob, contentType, sha256 } = (args ?? {}) as { blob?: unknown; contentType?: unknown; sha256?: unknown };
      if (typeof blob !== "string") throw invalidArguments("storage.store", "missing field `blob`");
      return service.store(ctx, Buffer.from(blob, "base64"), contentTypeArg(contentType), sha256Arg(sha256));
    },
    // Mutations' `get(id)`: the bytes go back base64-encoded; the package builds the Blob.
    "1.0/storageGet": async (args, ctx) => {
      const found = await service.get(ctx, parseStorageIdArg("storage.get", args));
      return found && { blob: found.bytes.toString("base64"), contentType: found.contentType };
    },
    "storage/storeBlob": async (args, ctx) => {
      refuseInQuery(ctx, "store");
      return service.store(ctx, new Uint8Array(args.bytes), contentTypeArg(args.contentType), sha256Arg(args.sha256));
    },
    "storage/getBlob": async (args, ctx) => {
      const found = await service.get(ctx, parseStorageIdArg("storage.get", args));
      if (!found) return null;
      // A copy of just these bytes (a Buffer may be a view into a larger pool).
      return { bytes: new Uint8Array(found.bytes).buffer, contentType: found.contentType };
    },
  };
}

function refuseInQuery(ctx: OpContext, method: string): void {
  if (ctx.udfType === "query") throw notInQueries(method);
}

/** `Blob.type` is "" when unknown; a stored content type becomes a response header later. */
function contentTypeArg(value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || !/^[\x20-\x7e]+$/.test(value)) {
    throw invalidArgument("storage.store", "contentType", `${JSON.stringify(value)} is not a valid content type`);
  }
  return value;
}

function sha256Arg(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw invalidArgument("storage.store", "sha256", "expected a base64 string");
  return value;
}

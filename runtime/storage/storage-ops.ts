// The storage syscalls, as convex@1.48's storage_impl.ts sends them (args `{requestId, version,
// ...}`), plus the two JS syscalls of actions that the worker turns into host ops
// (`storage/storeBlob`, `storage/getBlob`, with raw bytes). Which function kinds may call what
// follows the package's ctx.storage: a query only reads (StorageReader).
import type { ExtraOps, OpContext } from "../host/host-services";
import { invalidArgument, invalidArguments, notInQueries } from "./messages";
import { parseStorageIdArg } from "./storage-ids";
import type { StorageService } from "./storage-service";
import type { SyscallArgs } from "../shared/protocol";

export function storageOps(service: StorageService): ExtraOps {
  const handlers: Record<string, (args: SyscallArgs, ctx: OpContext) => Promise<unknown>> = {
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
      const { bytes, contentType, sha256 } = args as { bytes: ArrayBuffer; contentType: unknown; sha256: unknown };
      return service.store(ctx, new Uint8Array(bytes), contentTypeArg(contentType), sha256Arg(sha256));
    },
    "storage/getBlob": async (args, ctx) => {
      const found = await service.get(ctx, parseStorageIdArg("storage.get", args));
      if (!found) return null;
      const { buffer, byteOffset, byteLength } = found.bytes;
      return { bytes: buffer.slice(byteOffset, byteOffset + byteLength), contentType: found.contentType };
    },
  };
  return {
    handle(op, args, ctx) {
      // Own keys only: an op named like an Object.prototype member is not ours.
      return Object.hasOwn(handlers, op) ? handlers[op]!(args, ctx) : undefined;
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

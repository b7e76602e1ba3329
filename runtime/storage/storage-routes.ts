// The storage endpoints of the API origin, answering as crates/local_backend/src/storage.rs does:
//   POST /api/storage/upload?token=…  body = the file → 200 {"storageId": "…"}
//   GET|HEAD /api/storage/<storage id>  → the bytes, with their type, length and sha256 Digest
// Errors are the backend's JSON `{"code", "message"}` (HttpError in crates/common/src/http).
// CORS is the API origin's, for all of /api/* (runtime/http/api-cors.ts).
import { Readable } from "node:stream";
import type { Hono } from "hono";
import { FileTooLargeError } from "./file-store";
import { parseRange } from "./range-header";
import { canonicalStorageId } from "./storage-ids";
import { decodeSha256, Sha256MismatchError, type StorageService } from "./storage-service";
import type { UploadTokens } from "./upload-tokens";

/**
 * The backend sets no size limit on uploads (only the HTTP action body has one, 20 MiB). We stop at
 * 1 GiB so that a runaway client cannot fill the disk of a development machine.
 */
export const UPLOAD_LIMIT_BYTES = 1024 * 1024 * 1024;

/** Storage GETs are immutable: MAX_CACHE_AGE (30 days), private, in the backend. */
const CACHE_CONTROL = "private, max-age=2592000";

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ code, message }, { status });
}

export function registerStorageRoutes(api: Hono, service: StorageService, tokens: UploadTokens): void {
  api.post("/api/storage/upload", (c) => upload(c.req.raw, service, tokens));
  // Hono answers HEAD with this GET route and drops the body; `download` opens nothing for HEAD.
  api.get("/api/storage/:id", (c) => download(c.req.raw, c.req.param("id"), service));
}

async function upload(request: Request, service: StorageService, tokens: UploadTokens): Promise<Response> {
  // check_store_file_authorization (crates/keybroker/src/broker.rs), before the body is read.
  const token = new URL(request.url).searchParams.get("token");
  const check = tokens.check(token);
  if (check === "invalid") return errorResponse(401, "StorageTokenInvalid", "Couldn't decode the StoreFileAuthorization token");
  if (check === "expired") return errorResponse(401, "StorageTokenExpired", "Store File Authorization expired");

  let expected: string | null = null;
  const digest = request.headers.get("digest");
  if (digest !== null) {
    expected = digest.startsWith("sha-256=") ? digest.slice("sha-256=".length) : "";
    try {
      decodeSha256(expected);
    } catch {
      return errorResponse(400, "BadHeader", "Bad header for digest: invalid HTTP header");
    }
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > UPLOAD_LIMIT_BYTES) return tooLarge();

  try {
    const contentType = request.headers.get("content-type")?.trim() || null;
    const into = { component: tokens.componentOf(token!), txId: null };
    const storageId = await service.store(into, request.body, contentType, expected, UPLOAD_LIMIT_BYTES);
    return Response.json({ storageId });
  } catch (error) {
    if (error instanceof FileTooLargeError) return tooLarge();
    if (error instanceof Sha256MismatchError) return errorResponse(400, "Sha256Mismatch", error.message);
    throw error;
  }
}

function tooLarge(): Response {
  return errorResponse(
    413,
    "FileTooLarge",
    `The file is larger than the upload limit of Convex Lens, ${UPLOAD_LIMIT_BYTES} bytes (1 GiB).`,
  );
}

async function download(request: Request, param: string, service: StorageService): Promise<Response> {
  const id = canonicalStorageId(param);
  if (!id) {
    // The backend answers 400 here (its URLs carry UUIDs); a missing file is a 404 for us either way.
    return errorResponse(
      404,
      "InvalidStoragePath",
      `Invalid storage path: "${param}". Please use \`storage.getUrl()\` to generate a valid URL to retrieve files. See https://docs.convex.dev/file-storage/serve-files for more details`,
    );
  }
  let opened;
  try {
    opened = await service.openForDownload(id);
  } catch (error) {
    return errorResponse(404, "FileNotFound", (error as Error).message);
  }
  // get_file in crates/application/src/lib.rs.
  if (!opened) return errorResponse(404, "FileNotFound", `File ${id} not found`);
  const { entry, handle } = opened;
  let handed = false;
  try {
    // The length on disk, so that a file edited by hand still gets a consistent response.
    const size = (await handle.stat()).size;
    const range = parseRange(request.headers.get("range"), size);
    if (range.kind === "unsatisfiable") return new Response(null, { status: 416 });
    const headers = new Headers({ "cache-control": CACHE_CONTROL, "accept-ranges": "bytes" });
    // The backend sends no Content-Type for a file stored without one, and clients sniff. Our
    // HTTP server (@hono/node-server) fills a missing one with "text/plain; charset=UTF-8", which
    // would mislabel binary files; an empty value is kept as is and means "unknown" to clients.
    headers.set("content-type", entry.contentType ?? "");
    const [start, end] = range.kind === "part" ? [range.start, range.end] : [0, size - 1];
    headers.set("content-length", String(end - start + 1));
    if (range.kind === "part") headers.set("content-range", `bytes ${start}-${end}/${size}`);
    else headers.set("digest", `sha-256=${entry.sha256}`);
    const status = range.kind === "part" ? 206 : 200;
    if (request.method === "HEAD" || size === 0) return new Response(null, { status, headers });
    // The stream closes the handle when it ends, fails or is cancelled by the client.
    const body = Readable.toWeb(handle.createReadStream({ start, end })) as unknown as ReadableStream<Uint8Array>;
    handed = true;
    return new Response(body, { status, headers });
  } finally {
    if (!handed) await handle.close();
  }
}

// What went wrong when writing a file, in words a user can act on ("the disk is full"), with the
// file's path. Shared by the document store (commit log, snapshot) and the log store.

const REASONS: Record<string, string> = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EROFS: "the file system is read-only",
  EACCES: "permission was denied",
  EPERM: "permission was denied",
  EIO: "the disk reported an input/output error",
};

/** "the disk is full (writing /path)"; other errors keep their own message. */
export function diskProblem(error: unknown, file: string): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const reason = code !== undefined ? REASONS[code] : undefined;
  return `${reason ?? (error instanceof Error ? error.message : String(error))} (writing ${file})`;
}

/** A write to disk failed; `message` says what could not be saved, why, and what happens now. */
export class DiskWriteError extends Error {
  override name = "DiskWriteError";
  constructor(
    message: string,
    readonly file: string,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

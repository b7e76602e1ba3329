// What is wrong with a snapshot archive, said with the archive, the file inside it and the line,
// so that the user can open the file and look.

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SnapshotError";
  }
}

/** "snapshot.zip: users/documents.jsonl line 3: …" */
export function badArchive(archive: string, message: string, entry?: string, line?: number): SnapshotError {
  const where = entry === undefined ? "" : line === undefined ? `${entry}: ` : `${entry} line ${line}: `;
  return new SnapshotError(`${archive}: ${where}${message}`);
}

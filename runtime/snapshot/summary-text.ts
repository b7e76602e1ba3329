// How an import or export is reported, the same in the terminal and in VS Code.
import type { ExportSummary } from "./export-snapshot";
import type { ImportSummary } from "./import-snapshot";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "5 tables, 8 documents, 2 files" */
export function snapshotCounts(summary: ExportSummary | ImportSummary): string {
  return `${plural(summary.tables, "table")}, ${plural(summary.documents, "document")}, ${plural(summary.files, "file")}`;
}

/** Why some imported documents have other IDs than in the snapshot, or null when none has. */
export function renumberedNote(summary: ImportSummary): string | null {
  if (summary.renumbered.length === 0) return null;
  return (
    "These tables share their table number with another table in the snapshot, so their documents got new IDs " +
    `(the same but for the table number; references to them were updated): ${summary.renumbered.join(", ")}`
  );
}

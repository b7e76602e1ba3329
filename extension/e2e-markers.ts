// Test observability: when CONVEX_LENS_E2E_DIR is set (only the end-to-end harness sets it), the
// extension writes what happened as small JSON files the harness polls. Otherwise a no-op.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.CONVEX_LENS_E2E_DIR;

export function writeMarker(name: string, data: unknown): void {
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.json`);
    // Written whole, then renamed: the harness never reads half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(data, null, 2));
    renameSync(`${file}.tmp`, file);
  } catch {
    // Markers are for tests only; never break the extension over them.
  }
}

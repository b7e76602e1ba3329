// Test observability: when CONVEX_LENS_E2E_DIR is set (only the end-to-end harness sets it), the
// extension writes what happened as small JSON files the harness polls. Otherwise a no-op.
// Each object marker says when it was written (`at`, ms since the epoch) unless its data says so
// itself: the VS Code benchmarks (bench/figures/vscode.ts) time the extension's steps with it.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.CONVEX_LENS_E2E_DIR;

export function writeMarker(name: string, data: unknown): void {
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.json`);
    // Written whole, then renamed: the harness never reads half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(stamped(data), null, 2));
    renameSync(`${file}.tmp`, file);
  } catch {
    // Markers are for tests only; never break the extension over them.
  }
}

function stamped(data: unknown): unknown {
  return typeof data === "object" && data !== null && !Array.isArray(data) ? { at: Date.now(), ...data } : data;
}

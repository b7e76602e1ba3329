// Helpers of the snapshot tests: ZIPs written entry by entry (yazl, as any ZIP tool would), a data
// folder read back whole through the store, and a seeded snapshot-app data folder.
import { after } from "node:test";
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZipFile } from "yazl";
import { isSystemTableName } from "../../runtime/store/catalog";
import { Store } from "../../runtime/store/sqlite-store";
import type { DocumentJSON } from "../../runtime/store/types";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

/** Temp folders of this test file, removed when it ends. */
const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `convex-lens-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Writes a ZIP with these entries (in this order). */
export async function writeZip(
  path: string,
  entries: Record<string, string | Buffer>,
  options: { compress?: boolean } = {},
): Promise<string> {
  const zip = new ZipFile();
  const done = new Promise<void>((resolve, reject) => {
    const out = createWriteStream(path);
    out.on("close", resolve);
    out.on("error", reject);
    zip.outputStream.pipe(out);
  });
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name, { compress: options.compress ?? true });
  zip.end();
  await done;
  return path;
}

/** One JSON document per line, as documents.jsonl holds them. */
export function jsonl(...lines: unknown[]): string {
  return `${lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n")}\n`;
}

export interface FolderContents {
  /** Stored table name → its documents, in _id order (wire form). */
  tables: Map<string, DocumentJSON[]>;
  /** Storage ID → bytes. */
  files: Map<string, Buffer>;
}

/** Everything a data folder holds, read through the store (every table, system ones included). */
export async function readFolder(dataDir: string): Promise<FolderContents> {
  const store = await Store.open({ file: join(dataDir, "data.sqlite") });
  const tables = new Map<string, DocumentJSON[]>();
  try {
    const tx = await store.beginRead();
    try {
      for (const { name } of store.listTables()) {
        const docs: DocumentJSON[] = [];
        let position: string | null = null;
        for (;;) {
          const batch = tx.queryBatch({ source: { type: "FullTableScan", tableName: name, order: "asc" }, operators: [] }, position, 1000, {
            isSystem: isSystemTableName(name),
          });
          docs.push(...batch.docs);
          if (batch.done) break;
          position = batch.position;
        }
        tables.set(
          name,
          docs.sort((a, b) => (a._id < b._id ? -1 : 1)),
        );
      }
    } finally {
      tx.end();
    }
  } finally {
    await store.close();
  }
  const files = new Map<string, Buffer>();
  const filesDir = join(dataDir, "files");
  if (existsSync(filesDir)) {
    for (const name of readdirSync(filesDir)) {
      if (statSync(join(filesDir, name)).isFile()) files.set(name, readFileSync(join(filesDir, name)));
    }
  }
  return { tables, files };
}

export async function callFunction(
  server: FixtureServer,
  kind: "query" | "mutation" | "action",
  path: string,
  args: object,
): Promise<unknown> {
  const response = await fetch(`${server.api.url}/api/${kind}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path, args, format: "json" }),
  });
  const body = (await response.json()) as { status: string; value?: unknown; errorMessage?: string };
  if (body.status !== "success") throw new Error(`${path} failed: ${body.errorMessage}`);
  return body.value;
}

/** A data folder of the snapshot-app fixture after its seed action ran; returns the post's ID. */
export async function seededFolder(): Promise<{ dataDir: string; postId: string }> {
  const dataDir = tempDir("seeded");
  const server = await serveFixture("snapshot-app", { dataDir });
  try {
    const postId = (await callFunction(server, "action", "seed:seed", {})) as string;
    return { dataDir, postId };
  } finally {
    await server.stop({ removeData: false });
  }
}

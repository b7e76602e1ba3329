// A snapshot ZIP opened for reading (yauzl): its entries sorted by role, and their contents as
// lines or as a byte stream. Nothing is read before it is needed, so a large archive costs memory
// only for the line being read.
import { createInterface } from "node:readline";
import { type Readable, Transform } from "node:stream";
import * as zlib from "node:zlib";
import { basename } from "node:path";
import * as yauzl from "yauzl";
import { entryRole } from "./archive-layout";
import { badArchive } from "./snapshot-error";

/** CRC-32 (the ZIP one); zlib has it from Node 20.15 and 22.2, package.json allows 20.12. */
const crc32: (data: Uint8Array, previous: number) => number =
  typeof zlib.crc32 === "function" ? zlib.crc32 : tableCrc32(new Uint32Array(256).map((_, n) => crcOfByte(n)));

function crcOfByte(n: number): number {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
}

function tableCrc32(table: Uint32Array): (data: Uint8Array, previous: number) => number {
  return (data, previous) => {
    let c = ~previous >>> 0;
    for (const byte of data) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return ~c >>> 0;
  };
}

export interface TableEntries {
  component: string;
  table: string;
  documents: yauzl.Entry;
  schema: yauzl.Entry | null;
}

export interface FileEntry {
  component: string;
  /** The storage ID as written in the entry name (checked later). */
  id: string;
  entry: yauzl.Entry;
}

export class SnapshotArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    /** The archive's file name, for messages. */
    readonly name: string,
    readonly tables: TableEntries[],
    readonly files: FileEntry[],
  ) {}

  static async open(path: string): Promise<SnapshotArchive> {
    const name = basename(path);
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw badArchive(name, `there is no such file (${path})`);
      if (code !== undefined) throw badArchive(name, `cannot be read (${code})`);
      throw badArchive(
        name,
        `is not a ZIP archive (${(error as Error).message}). Use the ZIP that \`npx convex export\` or a backup download wrote.`,
      );
    }
    try {
      const tables = new Map<string, Partial<TableEntries> & { component: string; table: string }>();
      const files: FileEntry[] = [];
      for await (const entry of zip.eachEntry()) {
        const role = entryRole(entry.fileName);
        if (role.kind === "invalid") throw badArchive(name, role.reason, entry.fileName);
        if (role.kind === "skipped") continue;
        if (role.kind === "file") {
          files.push({ component: role.component, id: role.id, entry });
          continue;
        }
        const key = `${role.component}\u0000${role.table}`;
        const table = tables.get(key) ?? { component: role.component, table: role.table };
        if (role.kind === "documents") table.documents = entry;
        else table.schema = entry;
        tables.set(key, table);
      }
      const complete: TableEntries[] = [];
      for (const table of tables.values()) {
        if (!table.documents) {
          const where = table.component === "" ? table.table : `${table.component}'s ${table.table}`;
          throw badArchive(name, `${table.schema!.fileName} has no documents.jsonl beside it: the documents of ${where} are missing`);
        }
        complete.push({ schema: null, ...table, documents: table.documents });
      }
      if (complete.length === 0 && files.length === 0) {
        throw badArchive(name, "is a ZIP archive, but not a Convex snapshot: it has no <table>/documents.jsonl");
      }
      return new SnapshotArchive(zip, name, complete, files);
    } catch (error) {
      zip.close();
      if (error instanceof Error && error.name !== "SnapshotError") throw badArchive(name, `is damaged (${error.message})`);
      throw error;
    }
  }

  /**
   * The bytes of an entry. yauzl checks sizes but not the CRC-32 (its README says so), so it is
   * checked here as they stream: a damaged entry fails at its end instead of being imported.
   */
  async stream(entry: yauzl.Entry): Promise<Readable> {
    let raw: Readable;
    try {
      raw = await this.zip.openReadStreamPromise(entry);
    } catch (error) {
      throw badArchive(this.name, `cannot be read (${(error as Error).message})`, entry.fileName);
    }
    let crc = 0;
    const checked = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        crc = crc32(chunk, crc);
        done(null, chunk);
      },
      flush: (done) => {
        done(crc === entry.crc32 ? null : badArchive(this.name, "is damaged (its CRC-32 does not match its bytes)", entry.fileName));
      },
    });
    raw.on("error", (error) => checked.destroy(error));
    // A reader that stops early (the first line of generated_schema.jsonl) ends the inflating too.
    checked.on("close", () => raw.destroy());
    return raw.pipe(checked);
  }

  /** Each line of a text entry with its number (from 1); blank lines are skipped. */
  async *lines(entry: yauzl.Entry): AsyncGenerator<{ text: string; line: number }> {
    const input = await this.stream(entry);
    const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let line = 0;
    try {
      for await (const text of reader) {
        line++;
        if (line === 1 && text.startsWith("\uFEFF")) {
          throw badArchive(this.name, "starts with a byte order mark (BOM); save it as UTF-8 without one", entry.fileName, 1);
        }
        if (text.trim() !== "") yield { text, line };
      }
    } catch (error) {
      if (error instanceof Error && error.name !== "SnapshotError") {
        throw badArchive(this.name, `is damaged (${error.message})`, entry.fileName);
      }
      throw error;
    } finally {
      reader.close();
      input.destroy();
    }
  }

  close(): void {
    this.zip.close();
  }
}

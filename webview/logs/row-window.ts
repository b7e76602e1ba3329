// The rows the log panel holds, oldest first, and where paging back continues. Pure: no DOM.
//
// The window holds at most `max` rows so the table stays light however long the tail runs. The
// tail appends at the bottom and drops from the top; the cursor for older rows then moves up so
// the dropped rows can be paged back in. Paging back prepends at the top; past `max` the newest
// rows are dropped and the window is "detached" from the live edge (new rows wait until the panel
// jumps back to the latest page).
//
// A cursor holds one position per kind of row (line id; execution end time and sequence), and each
// kind keeps its own order in the window, so the rows dropped from the top are a prefix of each
// kind: the cursor is the oldest kept row of each kind, or just past the newest dropped one.
import type { LogCursorView, LogPageView, LogRowView } from "../protocol/logs";

export const MAX_WINDOW_ROWS = 2000;

export const rowKey = (row: LogRowView): string => (row.kind === "line" ? `l${row.id}` : `e${row.seq}`);

type ExecPosition = LogCursorView["exec"];

const execPosition = (row: Extract<LogRowView, { kind: "execution" }>): ExecPosition => ({ end: row.time, seq: row.seq });
const execBefore = (a: ExecPosition, b: ExecPosition): boolean => a.end < b.end || (a.end === b.end && a.seq < b.seq);

export interface WindowChange {
  /** The rows that went in (rows already held are skipped). */
  added: LogRowView[];
  /** How many rows left the other end. */
  dropped: number;
}

export class RowWindow {
  rows: LogRowView[] = [];
  /** `before` for the next older page; null until a page arrived. */
  older: LogCursorView | null = null;
  hasOlder = false;
  /** The newest rows were dropped for older ones: the tail no longer continues this window. */
  detached = false;
  readonly #keys = new Set<string>();

  constructor(readonly max = MAX_WINDOW_ROWS) {}

  /** Starts over from a page (the newest, or after a filter change). */
  reset(page: LogPageView): void {
    this.rows = [];
    this.#keys.clear();
    this.older = page.older;
    this.hasOlder = page.hasOlder;
    this.detached = false;
    this.rows = this.#take(page.rows);
    if (this.rows.length > this.max) this.#dropTop(this.rows.length - this.max);
  }

  clear(): void {
    this.reset({ rows: [], older: this.older ?? { line: 0, exec: { end: 0, seq: 0 } }, hasOlder: false });
  }

  /** Adds the tail's new rows at the bottom. */
  append(rows: LogRowView[]): WindowChange {
    const added = this.#take(rows);
    this.rows.push(...added);
    const excess = this.rows.length - this.max;
    if (excess > 0) this.#dropTop(excess);
    return { added, dropped: Math.max(0, excess) };
  }

  /** Adds an older page at the top. */
  prepend(page: LogPageView): WindowChange {
    const added = this.#take(page.rows);
    this.rows.unshift(...added);
    this.older = page.older;
    this.hasOlder = page.hasOlder;
    const excess = this.rows.length - this.max;
    if (excess > 0) {
      for (const row of this.rows.splice(this.max)) this.#keys.delete(rowKey(row));
      this.detached = true;
    }
    return { added, dropped: Math.max(0, excess) };
  }

  has(row: LogRowView): boolean {
    return this.#keys.has(rowKey(row));
  }

  /** The rows not held yet, with their keys recorded. */
  #take(rows: LogRowView[]): LogRowView[] {
    const fresh: LogRowView[] = [];
    for (const row of rows) {
      const key = rowKey(row);
      if (this.#keys.has(key)) continue;
      this.#keys.add(key);
      fresh.push(row);
    }
    return fresh;
  }

  #dropTop(count: number): void {
    const dropped = this.rows.splice(0, count);
    for (const row of dropped) this.#keys.delete(rowKey(row));
    const previous = this.older ?? { line: Number.MAX_SAFE_INTEGER, exec: { end: Number.MAX_VALUE, seq: Number.MAX_SAFE_INTEGER } };
    let line: number | null = null;
    let exec: ExecPosition | null = null;
    for (const row of this.rows) {
      if (row.kind === "line") line = line === null ? row.id : Math.min(line, row.id);
      else if (exec === null || execBefore(execPosition(row), exec)) exec = execPosition(row);
    }
    if (line === null) {
      let newest: number | null = null;
      for (const row of dropped) if (row.kind === "line") newest = Math.max(newest ?? 0, row.id);
      line = newest === null ? previous.line : newest + 1;
    }
    if (exec === null) {
      let newest: ExecPosition | null = null;
      for (const row of dropped)
        if (row.kind === "execution" && (newest === null || execBefore(newest, execPosition(row)))) newest = execPosition(row);
      exec = newest === null ? previous.exec : { end: newest.end, seq: newest.seq + 1 };
    }
    this.older = { line, exec };
    this.hasOlder = true;
  }
}

// The log panel's host side, without vscode: answers the webview's requests from a log store and
// tails the latest query.
//
// The tail: `logsLatest` answers with the newest page and remembers the query (its filter, floor
// and the newest line id at that moment). While the panel listens, store events say what is new:
// line ids past that mark, and executions that finished. A short while after a change, one read
// per kind fetches exactly those rows through the same filter, in SQL, and pushes them as
// `logsRows`. Nothing is missed or sent twice: sql.js is synchronous, so no row can land between
// the page and the mark. A burst larger than a push is sent as `logsOverflow` instead, and the
// panel asks for the newest page again (the rows it skipped are still there to page back to).
import type { LogStoreEvent } from "../../runtime";
import {
  compareRows,
  finishedExecutions,
  linesBetween,
  loggedFunctions,
  newestCursor,
  pageRows,
  requestTrace,
  type LogCursor,
  type LogFilter,
  type LogReader,
  type LogRow,
} from "../../runtime";
import { isLogsRequest, type LogsReplies, type LogsRequest, type LogsSourceView } from "../../webview/protocol/logs";
import type { HostMessage, WebviewMessage } from "../../webview/protocol/messages";
import {
  cursorFromView,
  cursorView,
  drilldownView,
  filterFromView,
  limitFromView,
  LogRequestError,
  pageView,
  requestIdFromView,
  rowView,
} from "./log-panel-messages";

/** Where the panel's rows come from. */
export interface LogPanelSource {
  reader: LogReader;
  /** Present for the running runtime's store: the tail follows it. */
  subscribe?: (listener: (event: LogStoreEvent) => void) => () => void;
}

export interface LogPanelControllerOptions {
  post(message: HostMessage): void;
  /** Opens a source file at a line (1-based); rejects with a message for the panel. */
  openSource(file: string, line: number, column: number | null): Promise<void>;
  /** The convexLens.logRetention setting, shown in the panel. */
  retention(): number;
  /** Delay between a change and the push that carries it. Tests call flushTail() instead. */
  tailDelayMs?: number;
}

/** Rows one push carries; more at once is an overflow. */
export const MAX_TAIL_ROWS = 500;

interface Tail {
  generation: number;
  filter: LogFilter;
  floor: LogCursor | null;
  /** Lines up to this id have been sent (or were in the page). */
  sentLine: number;
  /** The newest line id the store has reported. */
  newestLine: number;
  finished: Set<string>;
}

export class LogPanelController {
  readonly #options: LogPanelControllerOptions;
  #source: LogPanelSource | null = null;
  #sourceView: LogsSourceView = { kind: "none", message: "Looking for logs…" };
  #sourceId = 0;
  #generation = 0;
  #tail: Tail | null = null;
  #unsubscribe: (() => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(options: LogPanelControllerOptions) {
    this.#options = options;
  }

  /** Switches to another source (the runtime started or stopped); the panel reloads. */
  setSource(source: LogPanelSource | null, view: LogsSourceView): void {
    this.#stopTail();
    this.#source = source;
    this.#sourceView = view;
    this.#sourceId++;
    this.#postStatus();
  }

  /** Handles one message from the webview; requests always get their reply. */
  async handle(message: WebviewMessage): Promise<void> {
    if (this.#disposed) return;
    if (message.type === "ready") {
      this.#postStatus();
      return;
    }
    try {
      let value: unknown;
      if (isLogsRequest(message)) value = this.#answer(message);
      else if (message.type === "openSource") await this.#options.openSource(message.file, message.line, message.column ?? null);
      else throw new LogRequestError(`The log panel does not handle "${message.type}".`);
      this.#post({ type: "reply", id: message.id, ok: true, value });
    } catch (error) {
      this.#post({ type: "reply", id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Pushes what the tail has gathered now. */
  flushTail(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const tail = this.#tail;
    const source = this.#source;
    if (!tail || !source || this.#disposed) return;
    let lines: LogRow[];
    let executions: LogRow[];
    try {
      lines =
        tail.newestLine > tail.sentLine ? linesBetween(source.reader, tail.filter, tail.sentLine, tail.newestLine, MAX_TAIL_ROWS + 1) : [];
      executions = tail.finished.size > 0 ? finishedExecutions(source.reader, tail.filter, [...tail.finished], tail.floor?.exec) : [];
    } catch {
      // The store closed under us: the runtime is stopping, and a new source follows.
      return;
    }
    tail.sentLine = tail.newestLine;
    tail.finished.clear();
    if (lines.length + executions.length > MAX_TAIL_ROWS) {
      this.#post({ type: "logsOverflow", generation: tail.generation });
      return;
    }
    if (lines.length + executions.length === 0) return;
    const rows = [...lines, ...executions].sort(compareRows);
    this.#post({ type: "logsRows", generation: tail.generation, rows: rows.map(rowView) });
  }

  dispose(): void {
    this.#disposed = true;
    this.#stopTail();
    this.#source = null;
  }

  #answer(request: LogsRequest): LogsReplies[LogsRequest["type"]] {
    const reader = this.#reader();
    switch (request.type) {
      case "logsLatest": {
        const filter = filterFromView(request.filter);
        const floor = cursorFromView(request.floor);
        const page = pageRows(reader, { filter, floor: floor ?? undefined, limit: limitFromView(request.limit) });
        const generation = ++this.#generation;
        this.#startTail({ generation, filter, floor, sentLine: newestCursor(reader).line, newestLine: 0, finished: new Set() });
        return { ...pageView(page), generation };
      }
      case "logsOlder": {
        const before = cursorFromView(request.before);
        if (before === null) throw new LogRequestError("The log panel asked for older rows without a cursor.");
        const floor = cursorFromView(request.floor);
        return pageView(
          pageRows(reader, {
            filter: filterFromView(request.filter),
            before,
            floor: floor ?? undefined,
            limit: limitFromView(request.limit),
          }),
        );
      }
      case "logsClear":
        return cursorView(newestCursor(reader));
      case "logsDrilldown":
        return drilldownView(requestTrace(reader, requestIdFromView(request.requestId)));
      case "logsFunctions":
        return loggedFunctions(reader);
    }
  }

  #reader(): LogReader {
    if (!this.#source) throw new LogRequestError(this.#sourceView.kind === "live" ? "No logs yet." : this.#sourceView.message);
    return this.#source.reader;
  }

  #startTail(tail: Tail): void {
    tail.newestLine = tail.sentLine;
    this.#tail = tail;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    // Subscribed only while a query is tailed: the store skips building events nobody hears.
    if (!this.#unsubscribe && this.#source?.subscribe) this.#unsubscribe = this.#source.subscribe((event) => this.#onEvent(event));
  }

  #stopTail(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#tail = null;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #onEvent(event: LogStoreEvent): void {
    const tail = this.#tail;
    if (!tail) return;
    if (event.kind === "lines") {
      const last = event.lines.at(-1);
      if (last && last.id > tail.newestLine) tail.newestLine = last.id;
    } else if (event.kind === "executionFinished") {
      tail.finished.add(event.execution.id);
    } else {
      return;
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#disposed) return;
    this.#timer = setTimeout(() => this.flushTail(), this.#options.tailDelayMs ?? 100);
  }

  #postStatus(): void {
    this.#post({
      type: "logsStatus",
      status: { source: this.#sourceView, sourceId: this.#sourceId, retention: this.#options.retention() },
    });
  }

  #post(message: HostMessage): void {
    if (!this.#disposed) this.#options.post(message);
  }
}

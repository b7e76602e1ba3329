// One send of the response panel, shown as it happens: the loading state with the executions the
// request has started so far, then (for a body that streams) the response with its stream, grown
// by `live` messages, then the final state. Stop aborts it. No vscode: the panel posts what this
// hands it, and the tests read the same messages.
import type { LogStore } from "../../runtime";
import type { ExecutionView } from "../../webview/protocol/core";
import type { EditableRequest, PanelState, ResponseView } from "../../webview/protocol/response";
import type { HostMessage } from "../../webview/protocol/messages";
import { watchExecutions } from "./live-executions";
import { RequestError } from "./request-builder";
import { newRequestId, RequestStopped, sendRequest, type ResponseHead, type SendResult } from "./send-request";
import { startedStream, type StreamRecorder } from "./stream-recorder";

/** How often the stream's new chunks go to the panel, at most. */
export const STREAM_FLUSH_MS = 50;

export type LiveSendMessage = Extract<HostMessage, { type: "state" | "live" }>;

export interface LiveSendOptions {
  siteUrl: string;
  /** What goes out ("Act as" signed into its Authorization header). */
  request: EditableRequest;
  /** What the panel shows: the request as edited. */
  shown: EditableRequest;
  /** The target's name, shown beside the request line. */
  target: string;
  /** The local runtime's log store (executions by request id); null for other targets. */
  logs: LogStore | null;
  /** Said in the Logs tab when there are no logs to show (other targets). */
  logsNote?: string;
  flushMs?: number;
}

export class LiveSend {
  readonly requestId = newRequestId();
  readonly #options: LiveSendOptions;
  readonly #post: (message: LiveSendMessage) => void;
  readonly #controller = new AbortController();
  #state: PanelState;
  #executions: ExecutionView[] = [];
  #recorder: StreamRecorder | null = null;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #abandoned = false;

  constructor(options: LiveSendOptions, post: (message: LiveSendMessage) => void) {
    this.#options = options;
    this.#post = post;
    this.#state = { kind: "loading", request: options.shown, target: options.target, requestId: this.requestId, executions: [] };
  }

  /** What the panel shows now (for a panel that is shown again). */
  get state(): PanelState {
    return this.#state;
  }

  /** Sends; resolves with the whole response, or rejects with what the error state says. */
  async run(): Promise<SendResult> {
    const { logs } = this.#options;
    this.#setState(this.#state);
    const stopWatching = logs ? watchExecutions(logs, this.requestId, (executions) => this.#liveExecutions(executions)) : () => {};
    try {
      const result = await sendRequest(this.#options.siteUrl, this.#options.request, logs, {
        requestId: this.requestId,
        signal: this.#controller.signal,
        onHead: (head) => this.#onHead(head),
        onChunk: (recorder) => this.#onChunk(recorder),
      });
      this.#cancelFlush();
      const response = this.#withNote(result.response);
      this.#setState({ kind: "ready", request: this.#options.shown, target: this.#options.target, response });
      return { response, bytes: result.bytes };
    } catch (error) {
      this.#cancelFlush();
      const message =
        error instanceof RequestError || error instanceof RequestStopped
          ? error.message
          : `The request failed: ${error instanceof Error ? error.message : String(error)}`;
      this.#setState({ kind: "error", request: this.#options.shown, target: this.#options.target, message });
      throw new Error(message);
    } finally {
      stopWatching();
    }
  }

  /** Aborts the request: a stream ends where it is, a request without a response yet fails as stopped. */
  stop(): void {
    this.#controller.abort();
  }

  /** A function the request runs stopped at a breakpoint, or went on: said while no response has come. */
  showPaused(paused: boolean): void {
    const state = this.#state;
    if (state.kind === "loading" && (state.paused ?? false) !== paused) this.#setState({ ...state, paused });
  }

  /** A newer send took over the panel: this one is aborted and posts nothing more. */
  abandon(): void {
    this.#abandoned = true;
    this.#cancelFlush();
    this.#controller.abort();
  }

  #withNote(response: ResponseView): ResponseView {
    return this.#options.logsNote ? { ...response, logsNote: this.#options.logsNote } : response;
  }

  #setState(state: PanelState): void {
    this.#state = state;
    if (!this.#abandoned) this.#post({ type: "state", state });
  }

  /** A body that streams is shown from its head on; any other waits for its end. */
  #onHead(head: ResponseHead): void {
    if (!head.streamed) return;
    const stream = startedStream(head.eventStream, head.headMs);
    const response: ResponseView = {
      requestId: head.requestId,
      url: head.url,
      status: head.status,
      statusText: head.statusText,
      durationMs: head.headMs,
      sizeBytes: 0,
      headers: head.headers,
      body: { kind: "empty" },
      executions: this.#executions,
      stream,
    };
    this.#setState({ kind: "ready", request: this.#options.shown, target: this.#options.target, response: this.#withNote(response) });
  }

  #onChunk(recorder: StreamRecorder): void {
    this.#recorder = recorder;
    if (this.#flushTimer === undefined) this.#flushTimer = setTimeout(() => this.#flush(), this.#options.flushMs ?? STREAM_FLUSH_MS);
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const recorder = this.#recorder;
    if (!recorder || this.#state.kind !== "ready" || !this.#state.response.stream) return;
    const delta = recorder.delta();
    this.#state.response.stream = recorder.view();
    if (!this.#abandoned) this.#post({ type: "live", requestId: this.requestId, stream: delta });
  }

  #cancelFlush(): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
  }

  #liveExecutions(executions: ExecutionView[]): void {
    this.#executions = executions;
    const state = this.#state;
    if (state.kind === "loading") state.executions = executions;
    else if (state.kind === "ready") state.response.executions = executions;
    else return;
    if (!this.#abandoned) this.#post({ type: "live", requestId: this.requestId, executions });
  }
}

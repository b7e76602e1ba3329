// One running runtime for one project, seen from the extension: start, stop, state changes.
// User code runs in the runtime's worker threads, never on the extension host's thread.
import * as vscode from "vscode";
import { startServing, type Serving } from "../runtime/serve";
import type { RuntimeState } from "../runtime/host/runtime";
import { formatLogLine } from "../runtime/logs/cli-format";

export class RuntimeSession implements vscode.Disposable {
  #serving: Serving | null = null;
  readonly #stateChanged = new vscode.EventEmitter<RuntimeState | { kind: "stopped" }>();
  readonly onStateChanged = this.#stateChanged.event;

  constructor(
    readonly projectDir: string,
    private readonly output: vscode.LogOutputChannel,
    private readonly ports: { site: number; api: number },
  ) {}

  get serving(): Serving | null {
    return this.#serving;
  }

  async start(): Promise<void> {
    if (this.#serving) return;
    this.#stateChanged.fire({ kind: "starting" });
    const serving = await startServing({ projectDir: this.projectDir, port: this.ports.site, apiPort: this.ports.api });
    this.#serving = serving;
    serving.runtime.events.listen({
      onLog: (log, start) => start && this.output.info(formatLogLine(start.udfType, start.identifier, log.line)),
      onEnd: (end, start) => start && end.error && this.output.error(`${start.identifier}: ${end.error.message}`),
    });
    serving.runtime.on("state", (state: RuntimeState) => this.#stateChanged.fire(state));
    this.#stateChanged.fire(serving.runtime.state);
  }

  async stop(): Promise<void> {
    const serving = this.#serving;
    this.#serving = null;
    if (serving) await serving.close();
    this.#stateChanged.fire({ kind: "stopped" });
  }

  dispose(): void {
    void this.stop();
    this.#stateChanged.dispose();
  }
}

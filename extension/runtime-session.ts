// One running runtime for one project, seen from the extension: start, stop, state changes.
// User code runs in the runtime's worker threads, never on the extension host's thread.
import * as vscode from "vscode";
import { resolve } from "node:path";
import { startServing, type Serving } from "../runtime";
import type { RuntimeState } from "../runtime";
import type { PersistencePart } from "../runtime";
import type { LensConfig } from "./config";
import { warmUpFetch } from "./requests/warm-fetch";

export type SessionState = RuntimeState | { kind: "stopped" } | { kind: "failed"; message: string };

export class RuntimeSession implements vscode.Disposable {
  #serving: Serving | null = null;
  #state: SessionState = { kind: "stopped" };
  #starting: Promise<void> | null = null;
  readonly #stateChanged = new vscode.EventEmitter<SessionState>();
  readonly onStateChanged = this.#stateChanged.event;
  readonly #persistenceChanged = new vscode.EventEmitter<void>();
  /** Saving a file of the data folder started failing, or works again. */
  readonly onPersistenceChanged = this.#persistenceChanged.event;
  /** A notification was shown for the current failures: no more until saving works again. */
  #toldOfDiskTrouble = false;

  constructor(
    readonly projectDir: string,
    private readonly output: vscode.LogOutputChannel,
    private readonly config: () => LensConfig,
  ) {}

  get serving(): Serving | null {
    return this.#serving;
  }

  get state(): SessionState {
    return this.#state;
  }

  /** The data folder's files that cannot be saved now, with why (empty when all is well). */
  get persistenceProblems(): Array<{ part: PersistencePart; message: string }> {
    return this.#serving?.runtime.persistence.problems ?? [];
  }

  #setState(state: SessionState): void {
    this.#state = state;
    this.#stateChanged.fire(state);
  }

  start(): Promise<void> {
    if (this.#serving) return Promise.resolve();
    this.#starting ??= this.#start().finally(() => (this.#starting = null));
    return this.#starting;
  }

  async #start(): Promise<void> {
    this.#setState({ kind: "starting" });
    const config = this.config();
    try {
      // The runtime prints to the output channel and reloads on save by itself.
      const serving = await startServing({
        projectDir: this.projectDir,
        port: config.sitePort,
        apiPort: config.apiPort,
        queryTimeoutMs: config.queryTimeoutMs,
        logRetention: config.logRetention,
        devIssuer: config.devIssuer,
        allowedHosts: config.allowedHosts,
        allowedOrigins: config.allowedOrigins,
        envFiles: config.envFiles.map((file) => resolve(this.projectDir, file)),
        watch: true,
        log: this.output,
        functionLog: this.output,
      });
      this.#serving = serving;
      serving.runtime.on("state", (state: RuntimeState) => this.#setState(state));
      serving.runtime.on("persistence", () => this.#onPersistence());
      // Failures while it started (the schema's commit on a full disk) happened before we listened.
      if (serving.runtime.persistence.problems.length > 0) this.#onPersistence();
      this.output.info(`Serving ${this.projectDir}: HTTP actions on ${serving.site.url}, API on ${serving.api.url}`);
      this.#setState(serving.runtime.state);
      warmUpFetch(serving.api.url);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(message);
      this.#setState({ kind: "failed", message });
      throw error;
    }
  }

  /** One notification while saving fails (the output channel has every line); the status bar follows. */
  #onPersistence(): void {
    const [failing] = this.persistenceProblems;
    if (failing && !this.#toldOfDiskTrouble) {
      this.#toldOfDiskTrouble = true;
      void vscode.window.showErrorMessage(`${failing.message} (The status bar shows when saving works again.)`);
    } else if (!failing) this.#toldOfDiskTrouble = false;
    this.#persistenceChanged.fire();
  }

  async stop(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    const serving = this.#serving;
    this.#serving = null;
    try {
      if (serving) await serving.close();
    } catch (error) {
      // Saving at the stop failed; the commit log still holds every commit.
      this.output.error(error instanceof Error ? error.message : String(error));
    } finally {
      this.#toldOfDiskTrouble = false;
      this.#setState({ kind: "stopped" });
      this.#persistenceChanged.fire();
    }
  }

  dispose(): void {
    void this.stop();
    this.#stateChanged.dispose();
    this.#persistenceChanged.dispose();
  }
}

// Which log store the log panel reads, without vscode: the running runtime's (live, tailed), or
// while the runtime is stopped, the log file it left in the data folder (opened as a snapshot that
// is only read: a LogStore writes its file only after recording something, which this one never
// does). The snapshot is closed before the runtime runs again.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { LogStore } from "../../runtime";
import type { LogsSourceView } from "../../webview/protocol/logs";
import type { LogPanelSource } from "./log-panel-controller";

/** What the tracker needs of the extension's RuntimeSession. */
export interface SessionLike {
  readonly serving: { runtime: { logs: LogStore; dataDir: string } } | null;
  readonly state: { kind: string };
}

export interface SourceChoice {
  source: LogPanelSource | null;
  view: LogsSourceView;
}

export const UNTRUSTED_MESSAGE = "Convex Lens shows logs in a trusted workspace only: trust the workspace to run the runtime.";
export const NO_LOGS_MESSAGE =
  "The runtime is stopped and has stored no logs yet. Start it (Convex Lens: Start runtime) and call a function.";
export const STORED_MESSAGE = "The runtime is stopped: these are the logs stored in the data folder. Start it to follow new ones.";
export const STARTING_MESSAGE = "The runtime is starting…";

type Opener = (file: string) => Promise<LogStore>;

export class LogSourceTracker {
  readonly #session: SessionLike | null;
  readonly #onChange: (choice: SourceChoice) => void;
  readonly #open: Opener;
  #dataDir: string;
  #choice: SourceChoice;
  #live: LogStore | null = null;
  #snapshot: LogStore | null = null;
  #queue: Promise<void> = Promise.resolve();
  #disposed = false;

  constructor(
    session: SessionLike | null,
    projectDir: string,
    onChange: (choice: SourceChoice) => void,
    open: Opener = (file) => LogStore.open({ file }),
  ) {
    this.#session = session;
    this.#onChange = onChange;
    this.#open = open;
    // The runtime's default; the running runtime says where it really is.
    this.#dataDir = join(projectDir, ".convex-lens");
    this.#choice = session
      ? { source: null, view: { kind: "none", message: STARTING_MESSAGE } }
      : { source: null, view: { kind: "none", message: UNTRUSTED_MESSAGE } };
  }

  current(): SourceChoice {
    return this.#choice;
  }

  /** Looks at the session again (call on every state change); changes are reported once each. */
  refresh(): Promise<void> {
    this.#queue = this.#queue.then(() => this.#refresh()).catch(() => undefined);
    return this.#queue;
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.#queue;
    await this.#closeSnapshot();
  }

  async #refresh(): Promise<void> {
    const session = this.#session;
    if (!session || this.#disposed) return;
    const serving = session.serving;
    if (serving) {
      this.#dataDir = serving.runtime.dataDir;
      const logs = serving.runtime.logs;
      if (this.#live !== logs) {
        this.#live = logs;
        this.#set({ source: { reader: logs, subscribe: (listener) => logs.subscribe(listener) }, view: { kind: "live" } });
      }
      // Closed after the switch, so that nothing reads it closed.
      await this.#closeSnapshot();
      return;
    }
    this.#live = null;
    if (session.state.kind === "starting") {
      // The snapshot (if any) keeps showing until the runtime's own store takes over.
      if (!this.#snapshot) this.#set({ source: null, view: { kind: "none", message: STARTING_MESSAGE } });
      return;
    }
    if (this.#snapshot) return;
    const file = join(this.#dataDir, "logs.sqlite");
    if (!existsSync(file)) {
      this.#set({ source: null, view: { kind: "none", message: NO_LOGS_MESSAGE } });
      return;
    }
    try {
      const snapshot = await this.#open(file);
      if (this.#disposed || session.serving) {
        await snapshot.close();
        if (!this.#disposed) await this.#refresh();
        return;
      }
      this.#snapshot = snapshot;
      this.#set({ source: { reader: snapshot }, view: { kind: "stored", message: STORED_MESSAGE } });
    } catch (error) {
      this.#set({
        source: null,
        view: { kind: "none", message: `The stored logs cannot be read: ${error instanceof Error ? error.message : String(error)}` },
      });
    }
  }

  async #closeSnapshot(): Promise<void> {
    const snapshot = this.#snapshot;
    this.#snapshot = null;
    if (snapshot) await snapshot.close().catch(() => undefined);
  }

  #set(choice: SourceChoice): void {
    const before = this.#choice;
    const same = before.source?.reader === choice.source?.reader && JSON.stringify(before.view) === JSON.stringify(choice.view);
    this.#choice = choice;
    if (!same && !this.#disposed) this.#onChange(choice);
  }
}

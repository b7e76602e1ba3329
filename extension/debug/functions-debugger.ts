// "Debug request": VS Code's JavaScript debugger attached to the project's functions. The runtime
// runs in this extension host, so the debugger attaches to Convex Lens's own inspector endpoint
// (runtime/debug), which shows the functions' worker threads only, never the extension host's
// thread. One debug session per window, reused while it runs; breakpoints then also stop requests
// from elsewhere (curl, a browser, a webhook) and functions run from the functions panel.
import * as vscode from "vscode";
import { basename } from "node:path";
import { debuggableWorkers, openInspector, type InspectorEndpoint } from "../../runtime";

/** How long a first Debug request waits for the debugger to set its breakpoints in the workers. */
const BREAKPOINTS_BOUND_TIMEOUT_MS = 30_000;

const SESSION_NAME = "Convex Lens: functions";

export class FunctionsDebugger implements vscode.Disposable {
  #endpoint: InspectorEndpoint | null = null;
  #session: vscode.DebugSession | null = null;
  #attaching: Promise<boolean> | null = null;
  readonly #subscriptions: vscode.Disposable[];

  /** `runtimeDir`: where Convex Lens's own bundles are (the worker's code around the functions). */
  constructor(
    private readonly projectDir: string,
    private readonly runtimeDir: string,
  ) {
    this.#subscriptions = [
      vscode.debug.onDidTerminateDebugSession((session) => {
        if (session !== this.#session) return;
        this.#session = null;
        // Nobody debugs any more: the endpoint goes too (it would let anything on this machine in).
        void this.#endpoint?.close();
        this.#endpoint = null;
      }),
    ];
  }

  get active(): boolean {
    return this.#session !== null;
  }

  /** Attaches the debugger unless it is attached; false when it could not be. */
  attach(): Promise<boolean> {
    if (this.#session) return Promise.resolve(true);
    this.#attaching ??= this.#attach().finally(() => (this.#attaching = null));
    return this.#attaching;
  }

  async #attach(): Promise<boolean> {
    this.#endpoint ??= await openInspector(0, basename(this.projectDir));
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(this.projectDir));
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const listener = vscode.debug.onDidStartDebugSession((session) => {
        if (session.configuration.name !== SESSION_NAME) return;
        listener.dispose();
        resolve(session);
      });
    });
    const ok = await vscode.debug.startDebugging(folder, {
      type: "node",
      request: "attach",
      name: SESSION_NAME,
      address: "127.0.0.1",
      port: this.#endpoint.port,
      // The bundles and their maps are in the project's .convex-lens/build: map them to convex/*.ts.
      sourceMaps: true,
      resolveSourceMapLocations: [`${this.projectDir}/**`, "!**/node_modules/**"],
      outFiles: [`${this.projectDir}/.convex-lens/build/**/*.js`],
      // Stepping stays in the project's code and its packages, not in the runtime that calls them.
      skipFiles: ["<node_internals>/**", `${this.runtimeDir}/**`],
      // The process is the extension host: its child processes are not the project's.
      autoAttachChildProcesses: false,
    });
    if (!ok) return false;
    this.#session = await started;
    // The debugger attaches to the workers and binds its breakpoints in them a few seconds later
    // (it reads every script's source map first); a request sent before would run past them.
    const bound = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "Convex Lens: binding breakpoints" },
      () => debuggableWorkers.whenAllConfigured(BREAKPOINTS_BOUND_TIMEOUT_MS),
    );
    if (!bound) {
      void vscode.window.showWarningMessage(
        `The debugger had not set its breakpoints in the functions' threads after ${BREAKPOINTS_BOUND_TIMEOUT_MS / 1000} s: the request is sent anyway and may run past them.`,
      );
    }
    return true;
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
    if (this.#session) void vscode.debug.stopDebugging(this.#session);
    void this.#endpoint?.close();
  }
}

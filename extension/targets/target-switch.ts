// The vscode side of targets: remembers the choice per workspace, reads `.env.local` when asked
// (so an edit takes effect on the next send), and offers the "Switch target" quick pick.
import * as vscode from "vscode";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RuntimeSession } from "../runtime-session";
import { isTargetKind, resolveTarget, targetChoices, type Target, type TargetContext, type TargetKind } from "./targets";

const MEMORY_KEY = "convexLens.target";

export class TargetSwitch implements vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<Target>();
  readonly onDidChange = this.#changed.event;

  constructor(
    private readonly memento: vscode.Memento,
    readonly projectDir: string,
    private readonly session: RuntimeSession | null,
  ) {}

  get kind(): TargetKind {
    const saved = this.memento.get<unknown>(MEMORY_KEY);
    return isTargetKind(saved) ? saved : "runtime";
  }

  #context(): TargetContext {
    let envLocal: string | null;
    try {
      envLocal = readFileSync(join(this.projectDir, ".env.local"), "utf8");
    } catch {
      envLocal = null;
    }
    return { runtimeSiteUrl: this.session?.serving?.site.url ?? null, envLocal };
  }

  /** The current target, resolved now. */
  current(): Target {
    return resolveTarget(this.kind, this.#context());
  }

  async set(kind: TargetKind): Promise<Target> {
    await this.memento.update(MEMORY_KEY, kind);
    const target = this.current();
    this.#changed.fire(target);
    return target;
  }

  /** The "Convex Lens: Switch target" quick pick. */
  async pick(): Promise<void> {
    const rows = targetChoices(this.kind, this.#context());
    const choice = await vscode.window.showQuickPick(
      rows.map((row) => ({ ...row, label: row.picked ? `$(check) ${row.label}` : row.label })),
      { title: "Convex Lens: send requests to…", placeHolder: `Now: ${this.current().label}`, matchOnDescription: true },
    );
    if (!choice) return;
    const target = await this.set(choice.target);
    if (target.unavailable) void vscode.window.showWarningMessage(`Convex Lens now sends to ${target.label}. ${target.unavailable}`);
    else void vscode.window.showInformationMessage(`Convex Lens now sends requests to ${target.label}.`);
  }

  dispose(): void {
    this.#changed.dispose();
  }
}

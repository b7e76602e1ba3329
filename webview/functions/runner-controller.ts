// The runner pane's behaviour: the argument text typed for each function, the Authorization token
// and "Act as a user" (neither kept in the saved state), the run itself and its last result.
// runner-view.ts draws what this keeps; the Functions tab says which function is selected.
import { cloneIdentity, isDevTokenView } from "../auth/act-as-editor";
import type { ActAsIdentity } from "../protocol/core";
import type { FunctionEntryView, RunResultView } from "../protocol/functions";
import type { OpenSource } from "../response/linked-text";
import { functionKey, keyLabel } from "./installs";
import { isClosed, messageOf, type PanelContext } from "./panel-context";
import { parseJsonObject } from "./parse-json";
import { isRunResult } from "./replies";
import { runnerView, type RunnerView } from "./runner-view";

/** What the runner keeps in the panel's saved state. */
export interface RunnerMemory {
  /** Argument text by function key. */
  drafts: Record<string, string>;
  result: RunResultView | null;
}

export interface RunnerHooks {
  /** The selected function's key (functionKey), or null. */
  selected(): string | null;
  persist(): void;
  /** A run may have written (a mutation or an action ran). */
  wrote(): void;
}

export interface RunnerController {
  memory(): RunnerMemory;
  /** Replaces the argument text typed for a function (the Live queries tab's "Run"). */
  setDraft(key: string, text: string): void;
  /** Draws the runner again when what it shows changed (`force`: always). */
  render(force?: boolean): void;
  /** In a narrow panel the runner is below the list: shows it. */
  reveal(): void;
}

export function runnerController(
  context: PanelContext,
  slot: HTMLElement,
  saved: RunnerMemory | null,
  hooks: RunnerHooks,
): RunnerController {
  const drafts: Record<string, string> = { ...saved?.drafts };
  let result: RunResultView | null = saved?.result ?? null;
  let authorization = "";
  let actAs: ActAsIdentity = cloneIdentity(undefined);
  let running = false;
  let runner: RunnerView | null = null;
  /** What the runner shows, to rebuild it only when that changes (not on every stats update). */
  let runnerKey: string | null = null;

  const draftOf = (key: string) => (Object.hasOwn(drafts, key) ? drafts[key]! : "{}");
  const selectedEntry = (): FunctionEntryView | null =>
    context.state()?.functions.find((f) => functionKey(f.component, f.name) === hooks.selected()) ?? null;

  const openSource: OpenSource = (file, line, column) => {
    void context.tell(
      column === null ? { type: "openSource", file, line } : { type: "openSource", file, line, column },
      `Could not open ${file}:${line}`,
    );
  };

  function render(force = false) {
    const selected = hooks.selected();
    const entry = selectedEntry();
    const key = JSON.stringify([selected, entry?.udfType, entry?.visibility, entry?.args, context.ready()]);
    if (!force && key === runnerKey) return;
    runnerKey = key;
    runner = runnerView(
      context.ui,
      entry,
      selected === null ? null : keyLabel(selected),
      selected === null ? "{}" : draftOf(selected),
      authorization,
      context.ready(),
      {
        onArgs: (text) => {
          const current = hooks.selected();
          if (current === null) return;
          drafts[current] = text;
          hooks.persist();
        },
        onAuthorization: (text) => {
          authorization = text;
        },
        actAs: {
          identity: actAs,
          onChange: (identity) => {
            actAs = identity;
          },
        },
        run: () => void run(),
      },
      openSource,
    );
    runner.setRunning(running);
    runner.showResult(result);
    slot.replaceChildren(runner.element);
  }

  async function run() {
    const entry = selectedEntry();
    if (!entry || running || !runner) return;
    const current = runner;
    const parsed = parseJsonObject(draftOf(functionKey(entry.component, entry.name)), "Arguments", true);
    if (!parsed.ok) {
      current.setError(parsed.message);
      current.revealOutcome();
      return;
    }
    current.setError(null);
    running = true;
    current.setRunning(true);
    try {
      let token: string | null = authorization.trim() === "" ? null : authorization.trim();
      if (actAs.enabled) {
        if (token !== null) throw new Error('clear the Authorization field, or choose "Anonymous" under Act as a user.');
        token = `Bearer ${(await context.ask({ type: "signDevToken", actAs }, isDevTokenView)).token}`;
      }
      const outcome = await context.ask(
        { type: "runFunction", component: entry.component, name: entry.name, args: parsed.value, authorization: token },
        isRunResult,
      );
      result = outcome;
      hooks.persist();
      if (!context.disposed()) {
        runner?.showResult(outcome);
        // The result is what the user waits for: never leave it below the fold.
        runner?.revealOutcome();
      }
      // Mutations and actions may have written: the Data tab's counts follow (its open page does
      // not move under the user's feet; Refresh reloads it).
      if (entry.udfType !== "query") hooks.wrote();
    } catch (error) {
      if (!isClosed(error)) {
        runner?.setError(`The run failed: ${messageOf(error)}`);
        runner?.revealOutcome();
      }
    } finally {
      running = false;
      if (!context.disposed()) runner?.setRunning(false);
    }
  }

  return {
    memory: () => ({ drafts: { ...drafts }, result }),
    setDraft(key, text) {
      drafts[key] = text;
      // The runner shows the draft it was built with: build it again if it shows this function.
      if (hooks.selected() === key) render(true);
    },
    render,
    reveal: () => runner?.revealRunner(),
  };
}

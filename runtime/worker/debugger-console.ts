// While a debugger is attached, what user code writes to its console also shows in the
// debugger's console (VS Code's Debug Console, DevTools' Console), as it would for any Node
// program; Lens keeps capturing it per execution as well. `node:inspector`'s console writes to
// the debugger only. Nothing is sent without one: V8 keeps console messages (and the objects in
// them) for a debugger that might come later, which would hold user data in the worker.
import { console as inspectorConsole } from "node:inspector";
import type { CapturedConsole } from "../logs/console-capture";

/** V8's console methods by name (the typings list fewer than V8 has). */
const toDebugger = inspectorConsole as unknown as Record<string, ((...args: unknown[]) => void) | undefined>;

export function alsoToDebugger(captured: CapturedConsole, debuggerAttached: () => boolean): CapturedConsole {
  const both = {} as CapturedConsole;
  for (const method of Object.keys(captured) as Array<keyof CapturedConsole>) {
    both[method] = (...args: unknown[]) => {
      (captured[method] as (...args: unknown[]) => void)(...args);
      if (debuggerAttached()) toDebugger[method]?.(...args);
    };
  }
  return both;
}

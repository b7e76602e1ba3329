// Gives each execution its own console (Convex log lines, capped per execution) and routes the
// global `console` to the running execution, so user code keeps writing `console.log`.
import { LogCollector, type LogLine } from "../logs/console-capture";
import { prettyLogLine } from "../logs/log-line";
import { currentExecution, type Execution } from "./execution";
import type { HostChannel } from "./host-channel";
import { alsoToDebugger } from "./debugger-console";

function rootOf(execution: Execution): Execution {
  let root = execution;
  while (root.parent) root = root.parent;
  return root;
}

export function attachExecutionLog(execution: Execution, host: HostChannel): void {
  const root = rootOf(execution);
  const lines = root === execution ? [] : root.log.lines;
  const collector = new LogCollector({
    onLine: (line: LogLine) => {
      lines.push(prettyLogLine(line));
      host.send({ type: "exec-log", execId: execution.id, requestId: execution.requestId, line });
    },
  });
  execution.log = { console: alsoToDebugger(collector.makeConsole(), () => host.debuggerAttached()), collector, lines };
}

export function routeGlobalConsole(): void {
  const original = globalThis.console;
  Object.defineProperty(globalThis, "console", {
    configurable: true,
    get: () => currentExecution()?.log?.console ?? original,
  });
}

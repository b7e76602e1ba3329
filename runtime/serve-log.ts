// What startServing prints while it serves, to the sinks its caller gives: the functions' log
// lines and failures as `npx convex dev` prints them, and Convex Lens's own lines (notices, builds
// that failed, reloads, saving trouble). The CLI points the sinks at the terminal; the extension
// at its LogOutputChannel, which is a LogSink as it is.
import type { Runtime } from "./host/runtime";
import { formatErrorLine, formatLogLine } from "./logs/cli-format";
import { whereInProject } from "./loader/index";

/** Where lines go, by severity. */
export interface LogSink {
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
}

export interface ServeLogOptions {
  /** Convex Lens's own lines. */
  log?: LogSink;
  /** The functions' console lines and failures; none when absent (the CLI's `--quiet`). */
  functionLog?: LogSink;
  /** ANSI colours in the functions' lines (a terminal). */
  color?: boolean;
}

/** Prints what the runtime says from now on. Called before the first load, so that load's failure is printed too. */
export function printRuntime(runtime: Runtime, { log, functionLog, color = false }: ServeLogOptions): void {
  if (functionLog) {
    runtime.events.listen({
      onLog: (logged, start) => start && functionLog.info(formatLogLine(start.udfType, start.identifier, logged.line, { color })),
      onEnd: (end, start) => {
        if (!start || !end.error) return;
        const text = end.error.stack ?? end.error.message;
        functionLog.error(formatErrorLine(start.startedAt + end.durationMs, start.udfType, start.identifier, text, { color }));
      },
    });
  }
  if (!log) return;
  runtime.on("notice", (text) => log.warn(text));
  // One line when saving a file starts failing (repeats are counted, not printed), one when it works again.
  runtime.on("persistence", (event) => (event.kind === "failed" ? log.error(event.message) : log.info(event.message)));
  for (const problem of runtime.persistence.problems) log.error(problem.message); // while the runtime opened
  let firstLoad = true;
  runtime.on("state", (state) => {
    if (state.kind === "ready" && !firstLoad) log.info(`reloaded in ${state.buildMs} ms`);
    if (state.kind === "build-failed") {
      const where = state.errors.map((e) => `\n  ${whereInProject(e, runtime.options.projectDir)}: ${e.text}`);
      log.error(`build failed; the last good build keeps serving:${where.join("")}`);
    }
    if (state.kind === "ready" || state.kind === "build-failed") firstLoad = false;
  });
}

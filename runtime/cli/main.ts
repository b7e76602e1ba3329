#!/usr/bin/env node
// `convex-lens serve`: the runtime without VS Code. Prints the URLs, the functions' log lines in
// the Convex CLI's format, reloads on save, and flushes the database on SIGINT/SIGTERM.
// `convex-lens run`: sends the requests of .http files and checks their assertions (for CI).
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { readEnvFiles } from "../host/env-files";
import { startServing, type Serving } from "../serve";
import { watchProject } from "../loader/watch";
import { whereInProject } from "../loader/index";
import { formatErrorLine, formatLogLine } from "../logs/cli-format";
import { formatOutcome, formatSummary, runHttpFile, summarize, type FileOutcome } from "../http-files/run-requests";
import { parseCli, USAGE, UsageError, type RunArgs, type ServeArgs } from "./args";
import { describeReady } from "./ready-banner";
import type { PersistenceEvent } from "../host/persistence-health";

async function serve(args: ServeArgs): Promise<void> {
  if (!existsSync(args.projectDir)) throw new UsageError(`The project folder ${args.projectDir} does not exist.`);
  const env = readEnvFiles(args.envFiles);
  const serving: Serving = await startServing({
    projectDir: args.projectDir,
    dataDir: args.dataDir,
    env,
    port: args.port,
    apiPort: args.apiPort,
    queryTimeoutMs: args.queryTimeoutMs,
    allowedHosts: args.allowedHosts,
    allowedOrigins: args.allowedOrigins,
    clientGoneTimeoutMs: args.clientGoneTimeoutMs,
    inspect: args.inspect,
  });
  const { runtime } = serving;
  const color = process.stdout.isTTY === true;
  if (!args.quiet) {
    runtime.events.listen({
      onLog: (log, start) => start && console.log(formatLogLine(start.udfType, start.identifier, log.line, { color })),
      onEnd: (end, start) => {
        if (start && end.error) {
          const text = end.error.stack ?? end.error.message;
          console.log(formatErrorLine(start.startedAt + end.durationMs, start.udfType, start.identifier, text, { color }));
        }
      },
    });
  }
  runtime.on("notice", (text: string) => console.error(`[convex-lens] ${text}`));
  // One line when saving a file starts failing (repeats are counted, not printed), one when it works again.
  runtime.on("persistence", (event: PersistenceEvent) => console.error(`[convex-lens] ${event.message}`));
  for (const problem of runtime.persistence.problems) console.error(`[convex-lens] ${problem.message}`); // while it started
  let first = true;
  runtime.on("state", (state) => {
    if (state.kind === "ready" && !first) console.log(`[convex-lens] reloaded in ${state.buildMs} ms`);
    if (state.kind === "build-failed") {
      console.error("[convex-lens] build failed; the last good build keeps serving:");
      for (const e of state.errors) console.error(`  ${whereInProject(e, args.projectDir)}: ${e.text}`);
    }
  });
  if (runtime.state.kind === "build-failed") runtime.emit("state", runtime.state);
  // Saves made while the first build ran count as changes too.
  const watcher = watchProject(args.projectDir, () => void runtime.reload(), { changedSince: runtime.lastBuildStartedAt ?? undefined });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    watcher.close();
    try {
      await serving.close();
    } catch (error) {
      // Saving at the stop failed (said already if it had failed before); the commit log keeps the data.
      console.error(`convex-lens: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  // Only now: a SIGTERM sent as soon as the banner shows must find the handler that saves.
  console.log(describeReady(serving, args.projectDir));
  first = false;
}

/** Prints one line per request and returns the exit code: 0 when every assertion held. */
async function run(args: RunArgs): Promise<number> {
  const color = process.stdout.isTTY === true;
  const texts = args.files.map((file) => {
    try {
      return { file, text: readFileSync(file, "utf8") };
    } catch (error) {
      throw new UsageError(
        `Cannot read ${relative(process.cwd(), file) || file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        false,
      );
    }
  });
  const outcomes: FileOutcome[] = [];
  for (const { file, text } of texts) {
    const shown = relative(process.cwd(), file) || file;
    if (texts.length > 1) console.log(shown);
    const outcome = await runHttpFile(file, text, { site: args.site, vars: args.vars, timeoutMs: args.timeoutMs });
    for (const problem of outcome.problems) console.log(`${shown}:${problem.line + 1}: ${problem.message}`);
    if (outcome.requests.length === 0 && outcome.problems.length === 0)
      console.log(`${shown}: no requests (a request line looks like "GET {{site}}/path")`);
    for (const request of outcome.requests) console.log(formatOutcome(request, { color }));
    outcomes.push(outcome);
  }
  const summary = summarize(outcomes);
  console.log(formatSummary(summary, outcomes.length));
  const empty = outcomes.every((outcome) => outcome.requests.length === 0);
  return summary.failed > 0 || summary.problems > 0 || empty ? 1 : 0;
}

async function main(): Promise<void> {
  try {
    const args = parseCli(process.argv.slice(2));
    if (args.command === "help") console.log(USAGE);
    else if (args.command === "version") console.log(process.env.CONVEX_LENS_VERSION ?? "dev");
    else if (args.command === "run") process.exitCode = await run(args);
    else await serve(args);
  } catch (error) {
    if (error instanceof UsageError)
      console.error(error.showUsage ? `convex-lens: ${error.message}\n\n${USAGE}` : `convex-lens: ${error.message}`);
    else console.error(`convex-lens: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

void main();

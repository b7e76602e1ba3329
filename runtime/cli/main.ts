#!/usr/bin/env node
// `convex-lens serve`: the runtime without VS Code, startServing's output pointed at the terminal
// (the functions' log lines in the Convex CLI's format, builds, notices). Prints the URLs, and
// flushes the database on SIGINT/SIGTERM.
// `convex-lens run`: sends the requests of .http files and checks their assertions (for CI).
// `convex-lens import` / `export`: snapshot ZIPs in and out of the data folder (runtime/snapshot).
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { startServing, type Serving } from "../serve";
import type { LogSink } from "../serve-log";
import { formatOutcome, formatSummary, runHttpFile, summarize, type FileOutcome } from "../http-files/run-requests";
import { parseCli, USAGE, UsageError, type ExportArgs, type ImportArgs, type RunArgs, type ServeArgs } from "./args";
import { exportDataFolder } from "../snapshot/export-snapshot";
import { importSnapshot } from "../snapshot/import-snapshot";
import { renumberedNote, snapshotCounts } from "../snapshot/summary-text";
import { describeReady } from "./ready-banner";

/** The terminal as startServing's sinks: functions' lines as they are, Convex Lens's own marked as such. */
const functionsToStdout: LogSink = { info: console.log, warn: console.log, error: console.log };
const lensToTerminal: LogSink = {
  info: (text) => console.log(`[convex-lens] ${text}`),
  warn: (text) => console.error(`[convex-lens] ${text}`),
  error: (text) => console.error(`[convex-lens] ${text}`),
};

async function serve(args: ServeArgs): Promise<void> {
  if (!existsSync(args.projectDir)) throw new UsageError(`The project folder ${args.projectDir} does not exist.`);
  const serving: Serving = await startServing({
    projectDir: args.projectDir,
    dataDir: args.dataDir,
    envFiles: args.envFiles,
    port: args.port,
    apiPort: args.apiPort,
    queryTimeoutMs: args.queryTimeoutMs,
    allowedHosts: args.allowedHosts,
    allowedOrigins: args.allowedOrigins,
    clientGoneTimeoutMs: args.clientGoneTimeoutMs,
    inspect: args.inspect,
    watch: true,
    log: lensToTerminal,
    functionLog: args.quiet ? undefined : functionsToStdout,
    color: process.stdout.isTTY === true,
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
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

/** A path as the user would type it from here: relative inside the working directory. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

async function importCommand(args: ImportArgs): Promise<void> {
  const summary = await importSnapshot({ zipPath: args.zipPath, dataDir: args.dataDir, replace: args.replace });
  console.log(`Imported ${shown(args.zipPath)} into ${shown(args.dataDir)}: ${snapshotCounts(summary)}.`);
  const note = renumberedNote(summary);
  if (note) console.log(note);
}

async function exportCommand(args: ExportArgs): Promise<void> {
  const summary = await exportDataFolder(args.dataDir, args.zipPath);
  console.log(`Exported ${shown(args.dataDir)} to ${shown(args.zipPath)}: ${snapshotCounts(summary)}.`);
}

async function main(): Promise<void> {
  try {
    const args = parseCli(process.argv.slice(2));
    if (args.command === "help") console.log(USAGE);
    else if (args.command === "version") console.log(process.env.CONVEX_LENS_VERSION ?? "dev");
    else if (args.command === "run") process.exitCode = await run(args);
    else if (args.command === "import") await importCommand(args);
    else if (args.command === "export") await exportCommand(args);
    else await serve(args);
  } catch (error) {
    if (error instanceof UsageError)
      console.error(error.showUsage ? `convex-lens: ${error.message}\n\n${USAGE}` : `convex-lens: ${error.message}`);
    else console.error(`convex-lens: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

void main();

#!/usr/bin/env node
// `convex-lens serve`: the runtime without VS Code. Prints the URLs, the functions' log lines in
// the Convex CLI's format, reloads on save, and flushes the database on SIGINT/SIGTERM.
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { readEnvFiles } from "../host/env-files";
import { startServing, type Serving } from "../serve";
import { watchProject } from "../loader/watch";
import { formatErrorLine, formatLogLine } from "../logs/cli-format";
import { parseCli, USAGE, UsageError, type ServeArgs } from "./args";
import { describeReady } from "./ready-banner";

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
  let first = true;
  runtime.on("state", (state) => {
    if (state.kind === "ready" && !first) console.log(`[convex-lens] reloaded in ${state.buildMs} ms`);
    if (state.kind === "build-failed") {
      console.error("[convex-lens] build failed; the last good build keeps serving:" );
      for (const e of state.errors) {
        const where = e.line > 0 ? `${relative(args.projectDir, e.file)}:${e.line}:${e.column}` : relative(args.projectDir, e.file) || e.file;
        console.error(`  ${where}: ${e.text}`);
      }
    }
  });
  if (runtime.state.kind === "build-failed") runtime.emit("state", runtime.state);
  console.log(describeReady(serving, args.projectDir));
  first = false;
  const watcher = watchProject(args.projectDir, () => void runtime.reload());
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    watcher.close();
    await serving.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

async function main(): Promise<void> {
  try {
    const args = parseCli(process.argv.slice(2));
    if (args.command === "help") console.log(USAGE);
    else if (args.command === "version") console.log(process.env.CONVEX_LENS_VERSION ?? "dev");
    else await serve(args);
  } catch (error) {
    if (error instanceof UsageError) console.error(`convex-lens: ${error.message}\n\n${USAGE}`);
    else console.error(`convex-lens: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

void main();

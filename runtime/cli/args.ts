// Command-line parsing for `convex-lens`. Errors say what was wrong and how to write it.
import { parseArgs } from "node:util";
import { resolve } from "node:path";

export interface ServeArgs {
  command: "serve";
  projectDir: string;
  port: number;
  apiPort: number;
  dataDir: string | undefined;
  envFiles: string[];
  queryTimeoutMs: number | undefined;
  quiet: boolean;
}

export type CliArgs = ServeArgs | { command: "help" } | { command: "version" };

export class UsageError extends Error {}

export const USAGE = `Usage:
  convex-lens serve [projectDir] [--port N] [--api-port N] [--data DIR] [--env-file FILE]...

Serves the project's convex/http.ts on 127.0.0.1 without deploying.
  --port N          HTTP actions (site) origin port (default 3311)
  --api-port N      Convex API origin port: files and the function API (default 3310)
  --data DIR        data folder for the database, files and logs (default <project>/.convex-lens)
  --env-file FILE   dotenv file whose variables the functions see in process.env (repeatable)
  --query-timeout MS  execution time limit for queries and mutations (default 1000)
  --quiet           do not print function log lines`;

function port(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} takes a port number from 0 to 65535, got "${value}"`);
  return n;
}

export function parseCli(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: "string" },
        "api-port": { type: "string" },
        data: { type: "string" },
        "env-file": { type: "string", multiple: true },
        "query-timeout": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: "help" };
  if (values.version) return { command: "version" };
  const [command, projectDir, ...rest] = positionals;
  if (command === undefined) return { command: "help" };
  if (command !== "serve") throw new UsageError(`Unknown command "${command}". The command is "serve".`);
  if (rest.length > 0) throw new UsageError(`serve takes one project folder, got also: ${rest.join(" ")}`);
  let queryTimeoutMs: number | undefined;
  if (values["query-timeout"] !== undefined) {
    queryTimeoutMs = Number(values["query-timeout"]);
    if (!Number.isFinite(queryTimeoutMs) || queryTimeoutMs <= 0) throw new UsageError("--query-timeout takes a number of milliseconds above 0");
  }
  return {
    command: "serve",
    projectDir: resolve(projectDir ?? "."),
    port: port(values.port, "--port", 3311),
    apiPort: port(values["api-port"], "--api-port", 3310),
    dataDir: values.data === undefined ? undefined : resolve(values.data),
    envFiles: (values["env-file"] ?? []).map((f) => resolve(f)),
    queryTimeoutMs,
    quiet: values.quiet ?? false,
  };
}

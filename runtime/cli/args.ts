// Command-line parsing for `convex-lens`. Errors say what was wrong and how to write it.
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { DEFAULT_INSPECT_PORT } from "../debug/inspect-port";
import { AllowedNameError, parseAllowedHost, parseAllowedList, parseAllowedOrigin } from "../http/allowed-names";

export interface ServeArgs {
  command: "serve";
  projectDir: string;
  port: number;
  apiPort: number;
  dataDir: string | undefined;
  envFiles: string[];
  queryTimeoutMs: number | undefined;
  clientGoneTimeoutMs: number | undefined;
  quiet: boolean;
  /** `--allow-host`, repeatable: names answered besides the loopback ones. */
  allowedHosts: string[];
  /** `--allow-origin`, repeatable: page origins that may call /api/* besides loopback ones. */
  allowedOrigins: string[];
  /** `--inspect[=port]`: the debugger endpoint's port, undefined without the flag. */
  inspect: number | undefined;
}

export interface RunArgs {
  command: "run";
  /** The .http files, as given (resolved against the working directory). */
  files: string[];
  /** `--site`: the `site` variable; undefined leaves the file's `@site` (or the default) in place. */
  site: string | undefined;
  /** `--var name=value`, repeatable. */
  vars: Record<string, string>;
  /** Time limit of each request, ms. */
  timeoutMs: number;
}

export interface ImportArgs {
  command: "import";
  /** The snapshot ZIP (resolved). */
  zipPath: string;
  /** `--data`, else `<projectDir>/.convex-lens`. */
  dataDir: string;
  /** `--replace`: the folder's database and files may be replaced. */
  replace: boolean;
}

export interface ExportArgs {
  command: "export";
  zipPath: string;
  dataDir: string;
}

export type CliArgs = ServeArgs | RunArgs | ImportArgs | ExportArgs | { command: "help" } | { command: "version" };

export class UsageError extends Error {
  constructor(
    message: string,
    /** False when the usage text would not help (a file that cannot be read). */
    readonly showUsage = true,
  ) {
    super(message);
  }
}

export const USAGE = `Usage:
  convex-lens serve [projectDir] [--port N] [--api-port N] [--data DIR] [--env-file FILE]... [--allow-host NAME]... [--allow-origin ORIGIN]... [--inspect[=PORT]]
  convex-lens run file.http [more.http]... [--site URL] [--var name=value]... [--timeout MS]
  convex-lens import snapshot.zip [projectDir] [--data DIR] [--replace]
  convex-lens export snapshot.zip [projectDir] [--data DIR]

Serves the project's convex/http.ts on 127.0.0.1 without deploying.
  --port N          HTTP actions (site) origin port (default 3311)
  --api-port N      Convex API origin port: files and the function API (default 3310)
  --data DIR        data folder for the database, files and logs (default <project>/.convex-lens)
  --env-file FILE   dotenv file whose variables the functions see in process.env (repeatable)
  --query-timeout MS  execution time limit for queries and mutations (default 1000)
  --client-gone-timeout MS  stop an HTTP action still running this long after its client
                    disconnected (default 30000)
  --quiet           do not print function log lines
  --allow-host NAME   also answer to this Host (a tunnel, a proxy; .example.com for a whole
                    domain); by default only 127.0.0.1, localhost and [::1] with the port (repeatable)
  --allow-origin ORIGIN  also let pages on this origin call /api/* (CORS); by default only
                    loopback origins; * for every origin (repeatable)
  --inspect[=PORT]  a debugger endpoint for the functions (Chrome DevTools, VS Code attach) on
                    127.0.0.1:PORT (default 9229; 0 for any free port); no time limit runs while
                    a function is stopped at a breakpoint

Runs the requests of .http files (REST Client / httpYac format) and checks their ?? assertions;
exits with 1 when one fails — usable in CI.
  --site URL        the {{site}} variable, over the files' own @site (default http://127.0.0.1:3311)
  --var name=value  a variable, over the files' own definitions (repeatable)
  --timeout MS      time limit of each request (default 30000)

Loads a snapshot ZIP (\`npx convex export\`, a dashboard backup) into the data folder: the tables,
the components' tables and the stored files. Documents keep their IDs. Stop \`serve\` first.
  --data DIR        the data folder (default <project>/.convex-lens)
  --replace         replace the folder's database and files when it already holds data

Writes the data folder as a snapshot ZIP in the format of \`npx convex export --include-file-storage\`.`;

const SERVE_OPTIONS = [
  "port",
  "api-port",
  "data",
  "env-file",
  "query-timeout",
  "client-gone-timeout",
  "quiet",
  "allow-host",
  "allow-origin",
  "inspect",
];
const RUN_OPTIONS = ["site", "var", "timeout"];
/** What each command takes; anything else given is named in the error. */
const COMMAND_OPTIONS: Record<"serve" | "run" | "import" | "export", string[]> = {
  serve: SERVE_OPTIONS,
  run: RUN_OPTIONS,
  import: ["data", "replace"],
  export: ["data"],
};

function port(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} takes a port number from 0 to 65535, got "${value}"`);
  return n;
}

function milliseconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`${flag} takes a number of milliseconds above 0`);
  return ms;
}

export function parseCli(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      // `--inspect` alone means the default port; parseArgs has no optional values.
      args: argv.map((arg) => (arg === "--inspect" ? `--inspect=${DEFAULT_INSPECT_PORT}` : arg)),
      allowPositionals: true,
      options: {
        port: { type: "string" },
        "api-port": { type: "string" },
        data: { type: "string" },
        "env-file": { type: "string", multiple: true },
        "query-timeout": { type: "string" },
        "client-gone-timeout": { type: "string" },
        quiet: { type: "boolean" },
        "allow-host": { type: "string", multiple: true },
        "allow-origin": { type: "string", multiple: true },
        inspect: { type: "string" },
        site: { type: "string" },
        var: { type: "string", multiple: true },
        timeout: { type: "string" },
        replace: { type: "boolean" },
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
  if (!Object.hasOwn(COMMAND_OPTIONS, command)) {
    throw new UsageError(`Unknown command "${command}". The commands are "serve", "run", "import" and "export".`);
  }
  const known = command as keyof typeof COMMAND_OPTIONS;
  const foreign = Object.keys(values).find((name) => name !== "help" && name !== "version" && !COMMAND_OPTIONS[known].includes(name));
  if (foreign) {
    const owners = Object.entries(COMMAND_OPTIONS)
      .filter(([, options]) => options.includes(foreign))
      .map(([owner]) => owner);
    throw new UsageError(`--${foreign} is an option of ${owners.join(" and ")}, not of ${command}`);
  }
  if (command === "run") return runArgs(positionals.slice(1), values);
  if (command === "import" || command === "export") return snapshotArgs(command, positionals.slice(1), values);
  if (rest.length > 0) throw new UsageError(`serve takes one project folder, got also: ${rest.join(" ")}`);
  const queryTimeoutMs = milliseconds(values["query-timeout"], "--query-timeout");
  const clientGoneTimeoutMs = milliseconds(values["client-gone-timeout"], "--client-gone-timeout");
  return {
    command: "serve",
    projectDir: resolve(projectDir ?? "."),
    port: port(values.port, "--port", 3311),
    apiPort: port(values["api-port"], "--api-port", 3310),
    dataDir: values.data === undefined ? undefined : resolve(values.data),
    envFiles: (values["env-file"] ?? []).map((f) => resolve(f)),
    queryTimeoutMs,
    clientGoneTimeoutMs,
    quiet: values.quiet ?? false,
    allowedHosts: allowedList(values["allow-host"], parseAllowedHost, "--allow-host"),
    allowedOrigins: allowedList(values["allow-origin"], parseAllowedOrigin, "--allow-origin"),
    inspect: values.inspect === undefined ? undefined : port(values.inspect, "--inspect", DEFAULT_INSPECT_PORT),
  };
}

function snapshotArgs(command: "import" | "export", rest: string[], values: { data?: string; replace?: boolean }): ImportArgs | ExportArgs {
  const [zip, projectDir, ...extra] = rest;
  if (zip === undefined) throw new UsageError(`${command} needs the snapshot ZIP: convex-lens ${command} snapshot.zip`);
  if (extra.length > 0) throw new UsageError(`${command} takes a snapshot ZIP and one project folder, got also: ${extra.join(" ")}`);
  const zipPath = resolve(zip);
  const dataDir = values.data === undefined ? resolve(projectDir ?? ".", ".convex-lens") : resolve(values.data);
  if (projectDir !== undefined && values.data !== undefined) throw new UsageError("Give the project folder or --data DIR, not both");
  return command === "import" ? { command, zipPath, dataDir, replace: values.replace ?? false } : { command, zipPath, dataDir };
}

function allowedList(values: string[] | undefined, parse: (value: string) => string, flag: string): string[] {
  try {
    return parseAllowedList(values, parse, flag);
  } catch (error) {
    throw error instanceof AllowedNameError ? new UsageError(error.message) : error;
  }
}

function runArgs(files: string[], values: { site?: string; var?: string[]; timeout?: string }): RunArgs {
  if (files.length === 0) throw new UsageError("run needs at least one .http file: convex-lens run requests.http");
  let site: string | undefined;
  if (values.site !== undefined) {
    let url: URL;
    try {
      url = new URL(values.site);
    } catch {
      throw new UsageError(`--site takes a URL like http://127.0.0.1:3311, got "${values.site}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new UsageError(`--site takes an http:// or https:// URL, got "${values.site}"`);
    site = values.site.replace(/\/+$/, "");
  }
  const vars: Record<string, string> = {};
  for (const pair of values.var ?? []) {
    const at = pair.indexOf("=");
    const name = at > 0 ? pair.slice(0, at).trim() : "";
    if (!/^[A-Za-z_$][\w$.-]*$/.test(name)) throw new UsageError(`--var takes name=value, got "${pair}"`);
    if (Object.hasOwn(vars, name)) throw new UsageError(`--var ${name} is given twice`);
    vars[name] = pair.slice(at + 1);
  }
  if (site !== undefined && Object.hasOwn(vars, "site")) throw new UsageError("Give the site once: --site URL or --var site=URL, not both");
  let timeoutMs = 30_000;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      throw new UsageError(`--timeout takes a whole number of milliseconds above 0, got "${values.timeout}"`);
  }
  return { command: "run", files: files.map((file) => resolve(file)), site, vars, timeoutMs };
}

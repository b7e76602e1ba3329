// `{{name}}` substitution as REST Client and httpYac do it, for the variables Convex Lens supports:
//   {{name}}               a file variable (`@name = value`) or an override (--var, --site, the target)
//   {{%name}}              the same, percent-encoded (REST Client)
//   {{$dotenv NAME}}       NAME from the `.env` file beside the .http file (REST Client)
//   {{$processEnv NAME}}   NAME from the environment (REST Client), for secrets in CI
//   {{$guid}} {{$timestamp}} {{$randomInt min max}}
// Variable values may use other variables. Pure: the environment and `.env` come from the caller.
import { randomInt, randomUUID } from "node:crypto";

export class VariableError extends Error {
  constructor(
    message: string,
    /** The variable that has no value, when that is the problem. */
    readonly missing: string | null = null,
  ) {
    super(message);
    this.name = "VariableError";
  }
}

export interface VariableSources {
  /** Highest precedence: `--var`, `--site`, the target the extension sends to. */
  overrides?: ReadonlyMap<string, string> | Record<string, string>;
  /** The file's `@name = value` definitions visible to the request. */
  file?: ReadonlyMap<string, string>;
  /** Lowest precedence, for names the file may leave out (`site`). */
  defaults?: Record<string, string>;
  /** `{{$dotenv NAME}}`; null when there is no `.env` file. */
  dotenv?: () => Record<string, string> | null;
  processEnv?: Record<string, string | undefined>;
}

const REFERENCE = /\{\{\s*(.*?)\s*\}\}/g;
const MAX_DEPTH = 10;

function lookup(sources: VariableSources, name: string): string | undefined {
  const overrides = sources.overrides;
  const override = overrides instanceof Map ? overrides.get(name) : (overrides as Record<string, string> | undefined)?.[name];
  if (override !== undefined) return override;
  const fromFile = sources.file?.get(name);
  if (fromFile !== undefined) return fromFile;
  return sources.defaults && Object.hasOwn(sources.defaults, name) ? sources.defaults[name] : undefined;
}

function system(expression: string, sources: VariableSources): string {
  const [name, ...args] = expression.split(/\s+/);
  switch (name) {
    case "$dotenv": {
      const key = args[0]?.replace(/^%/, "");
      if (!key) throw new VariableError("{{$dotenv}} needs a name: {{$dotenv CONVEX_SITE_URL}}");
      const env = sources.dotenv?.() ?? null;
      if (env === null) throw new VariableError(`{{$dotenv ${key}}}: there is no .env file beside this .http file`, key);
      const value = env[key];
      if (value === undefined) throw new VariableError(`{{$dotenv ${key}}}: ${key} is not in the .env file beside this .http file`, key);
      return value;
    }
    case "$processEnv": {
      const key = args[0]?.replace(/^%/, "");
      if (!key) throw new VariableError("{{$processEnv}} needs a name: {{$processEnv API_TOKEN}}");
      const value = sources.processEnv?.[key];
      if (value === undefined) throw new VariableError(`{{$processEnv ${key}}}: the environment variable ${key} is not set`, key);
      return value;
    }
    case "$guid":
      return randomUUID();
    case "$timestamp":
      return String(Math.floor(Date.now() / 1000));
    case "$randomInt": {
      const [min, max] = args.map(Number);
      if (!Number.isInteger(min) || !Number.isInteger(max) || max! <= min!)
        throw new VariableError("{{$randomInt min max}} needs two integers, min below max");
      return String(randomInt(min!, max!));
    }
    default:
      throw new VariableError(
        `{{${expression}}} is not a variable Convex Lens knows ($dotenv, $processEnv, $guid, $timestamp, $randomInt)`,
      );
  }
}

/** Replaces every `{{…}}` in `text`. Throws a VariableError naming what has no value. */
export function resolveVariables(text: string, sources: VariableSources, depth = 0): string {
  if (depth > MAX_DEPTH) throw new VariableError(`Variables refer to each other in a loop in "${text}"`);
  return text.replace(REFERENCE, (_whole, inner: string) => {
    if (inner.startsWith("$")) return system(inner, sources);
    const encode = inner.startsWith("%");
    const name = encode ? inner.slice(1).trim() : inner;
    const raw = lookup(sources, name);
    if (raw === undefined)
      throw new VariableError(`The variable {{${name}}} has no value: define it with "@${name} = …" in the file`, name);
    const value = resolveVariables(raw, sources, depth + 1);
    return encode ? encodeURIComponent(value) : value;
  });
}

/** The names a text refers to (`{{name}}`, `{{%name}}`), without the system ones. */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(REFERENCE)) {
    const inner = match[1]!;
    if (!inner.startsWith("$")) names.add(inner.replace(/^%/, "").trim());
  }
  return [...names];
}

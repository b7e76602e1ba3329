// The JSON a `convex.config.ts` default export gives from `.export()` (convex/server's
// `AppDefinitionAnalysis` / `ComponentDefinitionAnalysis`), read defensively: it comes back from
// user code, which can export anything with an `export` method.

export type EnvBinding = { type: "value"; value: string } | { type: "envVar"; name: string };

export interface ChildComponentAnalysis {
  /** The `use` name: `options.name`, else the child's defineComponent name. */
  name: string;
  /** The child's ComponentDefinitionPath (what our synthetic import said). */
  path: string;
  env: Record<string, EnvBinding>;
}

export interface DefinitionAnalysis {
  kind: "app" | "component";
  /** defineComponent's name; "" for the app. */
  name: string;
  /** defineApp({httpPrefix}), with the trailing "/" convex adds; null without one (always for components). */
  httpPrefix: string | null;
  /** In `use()` order. */
  childComponents: ChildComponentAnalysis[];
  /** Prefix (trailing "/") → `_reference/childComponent/<name>`. */
  httpMounts: Record<string, string>;
  declaredEnv: Array<{ name: string; optional: boolean }>;
}

const MAX_IDENTIFIER_LENGTH = 64;

/** Reads `.export()`'s result; a string is what is wrong with it. */
export function readAnalysis(value: unknown): DefinitionAnalysis | string {
  if (!isRecord(value)) return "`export()` did not return an object";
  const type = isRecord(value.definitionType) ? value.definitionType.type : undefined;
  if (type !== "app" && type !== "childComponent") return "`export()` returned no definitionType";
  const children = value.childComponents;
  if (!Array.isArray(children)) return "`export()` returned no childComponents";

  const childComponents: ChildComponentAnalysis[] = [];
  for (const child of children) {
    if (!isRecord(child) || typeof child.name !== "string" || typeof child.path !== "string") {
      return "a child component without a name or definition path";
    }
    const env = readEnvBindings(child.env);
    if (typeof env === "string") return env;
    childComponents.push({ name: child.name, path: child.path, env });
  }

  const httpMounts: Record<string, string> = {};
  if (isRecord(value.httpMounts)) {
    for (const [prefix, reference] of Object.entries(value.httpMounts)) {
      if (typeof reference === "string") httpMounts[prefix] = reference;
    }
  }
  const declaredEnv: Array<{ name: string; optional: boolean }> = [];
  if (Array.isArray(value.envVars)) {
    for (const entry of value.envVars) {
      if (!Array.isArray(entry) || typeof entry[0] !== "string") continue;
      const spec: unknown = entry[1];
      declaredEnv.push({ name: entry[0], optional: isRecord(spec) && spec.optional === true });
    }
  }
  return {
    kind: type === "app" ? "app" : "component",
    name: type === "childComponent" && typeof value.name === "string" ? value.name : "",
    httpPrefix: type === "app" && typeof value.httpPrefix === "string" ? value.httpPrefix : null,
    childComponents,
    httpMounts,
    declaredEnv,
  };
}

function readEnvBindings(value: unknown): Record<string, EnvBinding> | string {
  const env: Record<string, EnvBinding> = {};
  // `null` when use() got no env option.
  if (value === null || value === undefined) return env;
  if (!Array.isArray(value)) return "a child component's env is not a list";
  for (const entry of value) {
    if (!Array.isArray(entry) || typeof entry[0] !== "string" || !isRecord(entry[1])) return "a malformed env binding";
    const binding = entry[1];
    if (binding.type === "value" && typeof binding.value === "string") env[entry[0]] = { type: "value", value: binding.value };
    else if (binding.type === "envVar" && typeof binding.name === "string") env[entry[0]] = { type: "envVar", name: binding.name };
    else return `a malformed env binding for ${entry[0]}`;
  }
  return env;
}

/**
 * What is wrong with a component name under the backend's Identifier rules (ASCII letter or `_`
 * first, then letters, digits, `_`; at most 64 characters; not only underscores), or null.
 */
export function identifierProblem(name: string): string | null {
  const first = name[0];
  if (first === undefined) return "Identifier cannot be empty";
  if (!/[A-Za-z_]/.test(first)) {
    return `Invalid first character '${first}' in ${name}: Identifiers must start with an alphabetic character or underscore`;
  }
  const bad = /[^A-Za-z0-9_]/.exec(name);
  if (bad !== null) {
    return `Identifier ${name} has invalid character '${bad[0]}': Identifiers can only contain alphanumeric characters or underscores`;
  }
  if (name.length > MAX_IDENTIFIER_LENGTH) return `Identifier is too long (${name.length} > maximum ${MAX_IDENTIFIER_LENGTH})`;
  if (/^_+$/.test(name)) return `Identifier ${name} cannot have exclusively underscores`;
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

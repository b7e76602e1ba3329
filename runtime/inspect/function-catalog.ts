// Every function of every install and every HTTP route of the loaded project, with its statistics
// from the log store: what the functions panel lists, the app's functions first, then each
// component install's by its path. Pure: the project and the statistics come in, the list goes out.
import type { ExecutionStats } from "../logs/execution-stats";
import type { FunctionInfo, LoadedProject, RouteInfo } from "../shared/protocol";
import { displayValidator } from "../values/display-validator";
import { parseValidator } from "../values/validator";
import { compareInstalls, qualifiedIdentifier } from "./installs";

export interface FunctionStats {
  calls: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface FunctionEntry {
  /** "" for the app, else the component install's path ("counter", "wrapper/counter"). */
  component: string;
  /** As the install names it ("public:add"): what running it takes, with `component`. */
  name: string;
  module: string;
  functionName: string;
  udfType: FunctionInfo["udfType"];
  visibility: FunctionInfo["visibility"];
  /** The args validator as Convex prints it; null when the function takes any arguments. */
  args: string | null;
  stats: FunctionStats;
}

export interface RouteEntry {
  method: string;
  path: string;
  kind: RouteInfo["kind"];
  /** The install serving it: a component mounted with `httpPrefix`; null for the app's router. */
  component: string | null;
  /** The npm package whose helper added it to the app's router (`registerRoutes(http)`). */
  addedBy: string | null;
  stats: FunctionStats;
}

export interface FunctionCatalog {
  functions: FunctionEntry[];
  routes: RouteEntry[];
}

export const NO_CALLS: FunctionStats = Object.freeze({ calls: 0, errors: 0, p50Ms: null, p95Ms: null });

/** "dir/mod:fn" → ["dir/mod", "fn"]; "mod" (a default export) → ["mod", "default"]. */
export function splitFunctionName(name: string): [module: string, functionName: string] {
  const colon = name.lastIndexOf(":");
  return colon < 0 ? [name, "default"] : [name.slice(0, colon), name.slice(colon + 1)];
}

/** `v.object({name: v.string()})` from the exported validator JSON; null for `v.any()` or none. */
export function describeArgs(json: string | null): string | null {
  if (json === null) return null;
  try {
    const validator = parseValidator(JSON.parse(json));
    return validator.kind === "any" ? null : displayValidator(validator);
  } catch {
    // A validator this runtime cannot read still tells the user something.
    return json;
  }
}

const statsKey = (udfType: string, identifier: string) => `${udfType}\u0000${identifier}`;

export function functionCatalog(project: LoadedProject, stats: readonly ExecutionStats[]): FunctionCatalog {
  const byKey = new Map(stats.map((entry) => [statsKey(entry.udfType, entry.identifier), entry]));
  const statsOf = (udfType: string, identifier: string): FunctionStats => {
    const found = byKey.get(statsKey(udfType, identifier));
    return found ? { calls: found.calls, errors: found.errors, p50Ms: found.p50Ms, p95Ms: found.p95Ms } : { ...NO_CALLS };
  };
  const functions = project.components.flatMap(({ path, functions }) =>
    functions.map((info): FunctionEntry => {
      const [module, functionName] = splitFunctionName(info.name);
      return {
        component: path,
        name: info.name,
        module,
        functionName,
        udfType: info.udfType,
        visibility: info.visibility,
        args: describeArgs(info.args),
        // Executions are recorded under the qualified name: "counter/public:add".
        stats: statsOf(info.udfType, qualifiedIdentifier(path, info.name)),
      };
    }),
  );
  functions.sort(
    (a, b) => compareInstalls(a.component, b.component) || compareText(a.module, b.module) || compareText(a.functionName, b.functionName),
  );
  const routes = project.routes.map(
    (route): RouteEntry => ({
      method: route.method,
      path: route.path,
      kind: route.kind,
      component: route.component ?? null,
      addedBy: route.addedBy ?? null,
      // HTTP actions are recorded as `METHOD /path`, the route as declared.
      stats: statsOf("httpAction", `${route.method} ${route.path}`),
    }),
  );
  routes.sort((a, b) => compareText(a.path, b.path) || compareText(a.method, b.method));
  return { functions, routes };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

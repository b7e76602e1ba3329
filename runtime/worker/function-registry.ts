// Loads the built modules of a project and answers "which function is `messages:send`?".
import { pathToFileURL } from "node:url";
import type { FunctionInfo, RouteInfo } from "../shared/protocol";
import { RouteOrigins } from "./route-origins";

export interface ConvexFunction {
  (...args: unknown[]): unknown;
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
  isHttp?: boolean;
  isPublic?: boolean;
  isInternal?: boolean;
  invokeQuery?: (argsStr: string) => Promise<string>;
  invokeMutation?: (argsStr: string) => Promise<string>;
  invokeAction?: (requestId: string, argsStr: string) => Promise<string>;
  invokeHttpAction?: (request: Request) => Promise<Response>;
  exportArgs?: () => string;
  exportReturns?: () => string;
}

export interface HttpRouterLike {
  isRouter: true;
  lookup(path: string, method: string): [ConvexFunction, string, string] | null;
  getRoutes(): Array<[string, string, unknown]>;
  runRequest?: (argsStr: string, requestRoute: string) => Promise<string>;
}

export interface ResolvedFunction {
  /** The component install it belongs to ("" for the app). */
  component: string;
  /** "messages:send" within its component. */
  name: string;
  fn: ConvexFunction;
  udfType: "query" | "mutation" | "action";
  visibility: "public" | "internal";
  /** Where Convex would run it: its isolate, or Node.js for "use node" modules. */
  environment: "isolate" | "node";
}

/** "messages.ts" → "messages"; "dir/sub.js" → "dir/sub". */
export function modulePathToName(path: string): string {
  return path.replace(/\\/g, "/").replace(/\.(m|c)?(j|t)sx?$/, "");
}

/** Splits a function name the way the backend does: `mod:fn`, `mod` (default export), `mod.js:fn`. */
export function parseFunctionName(name: string): { module: string; exportName: string } {
  const colon = name.lastIndexOf(":");
  const modulePart = colon === -1 ? name : name.slice(0, colon);
  const exportName = colon === -1 ? "default" : name.slice(colon + 1) || "default";
  return { module: modulePathToName(modulePart), exportName };
}

export function displayName(module: string, exportName: string): string {
  return exportName === "default" ? module : `${module}:${exportName}`;
}

function udfTypeOf(value: ConvexFunction): ResolvedFunction["udfType"] | null {
  if (value.isQuery) return "query";
  if (value.isMutation) return "mutation";
  if (value.isAction) return "action";
  return null;
}

export class FunctionRegistry {
  readonly modules = new Map<string, Record<string, unknown>>();
  /** Modules Convex would run in Node.js ("use node"). */
  readonly #nodeModules = new Set<string>();
  readonly loadErrors: Array<{ component: string; module: string; message: string }> = [];
  router: HttpRouterLike | null = null;

  /** `component`: the install these modules belong to ("" for the app). */
  constructor(readonly component: string = "") {}

  /** Where each HTTP handler was stored from (see route-origins.ts). */
  readonly #origins = new RouteOrigins();

  async load(
    modules: Array<{ path: string; outFile: string; environment?: "isolate" | "node" }>,
    httpModule: string | null,
  ): Promise<void> {
    for (const module of modules) {
      const name = modulePathToName(module.path);
      if (module.environment === "node") this.#nodeModules.add(name);
      try {
        const url = pathToFileURL(module.outFile).href;
        const exports = (module.path === httpModule ? await this.#origins.record(() => import(url)) : await import(url)) as Record<
          string,
          unknown
        >;
        this.modules.set(name, exports);
      } catch (error) {
        this.loadErrors.push({ component: this.component, module: module.path, message: describeLoadError(error) });
      }
    }
    if (httpModule !== null) {
      const exports = this.modules.get(modulePathToName(httpModule));
      if (exports) this.router = checkRouter(this.#shownPath(httpModule), exports.default);
    }
  }

  resolve(name: string): ResolvedFunction | null {
    const { module, exportName } = parseFunctionName(name);
    const exports = this.modules.get(module);
    const value = exports?.[exportName] as ConvexFunction | undefined;
    if (typeof value !== "function") return null;
    const udfType = udfTypeOf(value);
    if (udfType === null) return null;
    return {
      component: this.component,
      name: displayName(module, exportName),
      fn: value,
      udfType,
      visibility: value.isInternal ? "internal" : "public",
      environment: this.#nodeModules.has(module) ? "node" : "isolate",
    };
  }

  listFunctions(): FunctionInfo[] {
    const functions: FunctionInfo[] = [];
    for (const [module, exports] of this.modules) {
      for (const [exportName, value] of Object.entries(exports)) {
        if (typeof value !== "function") continue;
        const fn = value as ConvexFunction;
        const udfType = udfTypeOf(fn);
        if (udfType === null) continue;
        functions.push({
          name: displayName(module, exportName),
          udfType,
          visibility: fn.isInternal ? "internal" : "public",
          args: safeExport(fn.exportArgs),
          returns: safeExport(fn.exportReturns),
        });
      }
    }
    return functions.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A module path as messages show it: a component's modules carry the component's path. */
  #shownPath(modulePath: string): string {
    return this.component === "" ? modulePath : `${this.component}/${modulePath}`;
  }

  listRoutes(): RouteInfo[] {
    if (!this.router) return [];
    const seen = new Map<unknown, number>();
    return this.router.getRoutes().map(([path, method, handler]) => {
      const occurrence = seen.get(handler) ?? 0;
      seen.set(handler, occurrence + 1);
      const route: RouteInfo = { path, method, kind: path.endsWith("*") ? "prefix" : "exact" };
      const origin = this.#origins.of(handler, occurrence);
      if (origin?.kind === "package") route.addedBy = origin.name;
      else if (origin?.kind === "source") route.source = { file: origin.file, line: origin.line };
      return route;
    });
  }
}

function safeExport(exporter: (() => string) | undefined): string | null {
  try {
    return exporter ? exporter() : null;
  } catch {
    return null;
  }
}

/** The backend refuses to push an http module whose default export is not a router; so do we. */
function checkRouter(httpModule: string, value: unknown): HttpRouterLike {
  const file = `convex/${httpModule.replace(/\.(m|c)?(j|t)sx?$/, ".js")}`;
  if (value === undefined) throw new Error(`\`${file}\` must have a default export of a Router.`);
  const router = value as Partial<HttpRouterLike> | null;
  if (router?.isRouter !== true || typeof router.lookup !== "function" || typeof router.getRoutes !== "function") {
    throw new Error(`The default export of \`${file}\` is not a Router.`);
  }
  return router as HttpRouterLike;
}

function describeLoadError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

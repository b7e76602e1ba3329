// The component tree as the worker holds it: one FunctionRegistry per install, each importing
// its own copy of its definition's modules (the loader gives every install its own files, so
// module-level state is never shared between two installs of one component).
import type { ComponentInit, FunctionInfo, LoadedComponent, RouteInfo } from "../shared/protocol";
import { ROOT_COMPONENT } from "../store/namespaces";
import type { ComponentEnv } from "./component-env";
import { FunctionRegistry, modulePathToName } from "./function-registry";
import { CRONS_MODULE, cronsOfModule, type CronSpec } from "../scheduler/cron-spec";

export interface ComponentNode {
  path: string;
  registry: FunctionRegistry;
  /** Direct children: use-name → instance path. */
  children: Record<string, string>;
  /** Children's http.ts mounts: prefix (ending in "/") → instance path. */
  httpMounts: Record<string, string>;
  /** This install's own prefix: its mount, or for the app defineApp({httpPrefix}). */
  httpPrefix: string | null;
  schemaFile: string | null;
  modules: ComponentInit["modules"];
}

/** An install's cron jobs (its `crons` module); a module the backend would refuse is a load error of that module. */
function readCrons(node: ComponentNode, functions: FunctionInfo[]): CronSpec[] | null {
  try {
    return cronsOfModule(node.registry.modules.get(CRONS_MODULE), functions);
  } catch (error) {
    const module = node.modules.find((m) => modulePathToName(m.path) === CRONS_MODULE)?.path ?? "crons.ts";
    node.registry.loadErrors.push({ component: node.path, module, message: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

export class ComponentSet {
  readonly #nodes = new Map<string, ComponentNode>();

  get root(): ComponentNode {
    return this.node(ROOT_COMPONENT);
  }

  /** Installs in load order: the app first, parents before children. */
  get all(): ComponentNode[] {
    return [...this.#nodes.values()];
  }

  /** The install at `path`; the tree comes from the build, so a missing path is our own bug. */
  node(path: string): ComponentNode {
    const node = this.#nodes.get(path);
    if (!node) throw new Error(`Convex Lens has no component installed at "${path}"`);
    return node;
  }

  has(path: string): boolean {
    return this.#nodes.has(path);
  }

  /** Imports every install's modules, each with `process.env` answering for that install. */
  async load(inits: ComponentInit[], env: ComponentEnv): Promise<void> {
    for (const init of inits) env.define(init.path, init.env);
    env.install();
    for (const init of inits) {
      const registry = new FunctionRegistry(init.path);
      await env.whileLoading(init.path, () => registry.load(init.modules, init.httpModule));
      this.#nodes.set(init.path, {
        path: init.path,
        registry,
        children: init.children,
        httpMounts: init.httpMounts,
        httpPrefix: init.httpPrefix,
        schemaFile: init.schemaFile,
        modules: init.modules,
      });
    }
  }

  /**
   * Every route the site serves, with the path a request uses: the app's own (under its
   * `httpPrefix`, if any) and those of the installs mounted below it, prefixes joined.
   */
  siteRoutes(): RouteInfo[] {
    const routes: RouteInfo[] = [];
    const mounted = (node: ComponentNode, sitePrefix: string) => {
      for (const route of node.registry.listRoutes()) {
        routes.push({ ...route, path: sitePrefix + route.path, component: node.path, localPath: route.path });
      }
      for (const [prefix, child] of Object.entries(node.httpMounts)) mounted(this.node(child), sitePrefix + prefix.slice(0, -1));
    };
    const root = this.root;
    const appPrefix = root.httpPrefix === null ? "" : root.httpPrefix.slice(0, -1);
    for (const route of root.registry.listRoutes()) routes.push({ ...route, path: appPrefix + route.path });
    // Mounts are absolute from "/": the app's own prefix does not move them.
    for (const [prefix, child] of Object.entries(root.httpMounts)) mounted(this.node(child), prefix.slice(0, -1));
    return routes;
  }

  get loadErrors(): Array<{ component: string; module: string; message: string }> {
    return this.all.flatMap((node) => node.registry.loadErrors);
  }

  /** What the host learns of each install. `schemas` holds each install's exported schema JSON. */
  describe(schemas: Map<string, string | null>): LoadedComponent[] {
    return this.all.map((node) => {
      const functions = node.registry.listFunctions();
      return {
        path: node.path,
        functions,
        routes: node.registry.listRoutes(),
        hasHttp: node.registry.router !== null,
        schemaJson: schemas.get(node.path) ?? null,
        httpPrefix: node.httpPrefix,
        crons: readCrons(node, functions),
      };
    });
  }
}

// Turns the evaluated component tree into installs. Each install (one `use`) gets its own copy of
// its definition's build: Node caches ES modules by URL, so two installs importing one file would
// share module-level state, where the backend gives every component its own module instances.
import fs from "node:fs";
import path from "node:path";
import type { BuildMessage } from "./build-message.js";
import type { BuiltModule, ComponentInstanceBuild } from "./build-result.js";
import type { EnvBinding } from "./component-analysis.js";
import { buildDefinition, type DefinitionBuild } from "./component-bundle.js";
import type { ComponentTree, EvaluatedDefinition } from "./component-config.js";
import { httpModuleOf, outputPathOf } from "./entry-points.js";
import type { Esbuild } from "./esbuild-loader.js";

export interface PlannedInstance {
  /** "" for the app; use names joined by "/" ("rateLimiter/batchWorker"). */
  path: string;
  definition: EvaluatedDefinition;
  /** Where this install's files go; for the app, the build folder itself. */
  outDir: string;
  /** use name → child instance path. */
  children: Record<string, string>;
  env: Record<string, EnvBinding>;
  httpPrefix: string | null;
  /** prefix → child instance path. */
  httpMounts: Record<string, string>;
}

/** Where installs go inside a build: `_deps` is reserved by Convex, so no module of the app can land there. */
export const INSTANCES_DIR = path.join("_deps", "components");

export interface InstancesOptions {
  esbuild: Esbuild;
  projectDir: string;
  buildDir: string;
  bundleConvexFrom: string | null;
  /** null: the project has no convex.config, so the app is the only install. */
  tree: ComponentTree | null;
  /** What the app's own build produced. */
  app: Pick<ComponentInstanceBuild, "definitionDir" | "modules" | "schemaFile" | "httpModule">;
}

export type InstancesResult =
  | { ok: true; components: ComponentInstanceBuild[]; inputs: string[]; warnings: BuildMessage[] }
  | { ok: false; errors: BuildMessage[]; warnings: BuildMessage[] };

/** Builds each component definition once, into its first install's folder, and copies it to the others. */
export async function buildInstances(opts: InstancesOptions): Promise<InstancesResult> {
  if (opts.tree === null) return { ok: true, components: [appInstance(opts, null)], inputs: [], warnings: [] };

  const planned = planInstances(opts.tree, opts.buildDir);
  const installsByDefinition = new Map<string, PlannedInstance[]>();
  for (const instance of planned.slice(1)) {
    const key = instance.definition.dir;
    installsByDefinition.set(key, [...(installsByDefinition.get(key) ?? []), instance]);
  }
  const builds = await Promise.all(
    [...installsByDefinition.values()].map(async (installs) => {
      const [first, ...others] = installs as [PlannedInstance, ...PlannedInstance[]];
      const built = await buildDefinition({ ...opts, definitionDir: first.definition.dir, outDir: first.outDir });
      if (built.ok) for (const other of others) copyInstanceBuild(first.outDir, other.outDir);
      return { dir: first.definition.dir, built };
    }),
  );
  const warnings = builds.flatMap(({ built }) => built.warnings);
  const errors = builds.flatMap(({ built }) => (built.ok ? [] : built.errors));
  if (errors.length > 0) return { ok: false, errors, warnings };

  const byDir = new Map(builds.map(({ dir, built }) => [dir, built as DefinitionBuild]));
  const components = planned.map((instance) =>
    instance.path === "" ? appInstance(opts, instance) : componentInstance(instance, byDir.get(instance.definition.dir) as DefinitionBuild),
  );
  const inputs = builds.flatMap(({ built }) => (built.ok ? built.inputs : []));
  return { ok: true, components, inputs, warnings };
}

function appInstance(opts: InstancesOptions, planned: PlannedInstance | null): ComponentInstanceBuild {
  return {
    path: "",
    definitionPath: null,
    definitionDir: opts.app.definitionDir,
    defaultName: "",
    children: planned?.children ?? {},
    env: {},
    declaredEnv: planned?.definition.analysis.declaredEnv ?? [],
    httpPrefix: planned?.httpPrefix ?? null,
    httpMounts: planned?.httpMounts ?? {},
    modules: opts.app.modules,
    schemaFile: opts.app.schemaFile,
    httpModule: opts.app.httpModule,
    outDir: opts.buildDir,
  };
}

function componentInstance(instance: PlannedInstance, built: DefinitionBuild): ComponentInstanceBuild {
  const modules: BuiltModule[] = built.modules.map((m) => ({ ...m, outFile: path.join(instance.outDir, outputPathOf(m.path)) }));
  return {
    path: instance.path,
    definitionPath: instance.definition.definitionPath,
    definitionDir: instance.definition.dir,
    defaultName: instance.definition.analysis.name,
    children: instance.children,
    env: instance.env,
    declaredEnv: instance.definition.analysis.declaredEnv,
    httpPrefix: instance.httpPrefix,
    httpMounts: instance.httpMounts,
    modules,
    schemaFile: built.schemaOutput === null ? null : path.join(instance.outDir, built.schemaOutput),
    httpModule: httpModuleOf(modules),
    outDir: instance.outDir,
  };
}

/** Every install, the app first and each parent before its children (depth first, in use() order). */
export function planInstances(tree: ComponentTree, buildDir: string): PlannedInstance[] {
  const planned: PlannedInstance[] = [];
  const visit = (definition: EvaluatedDefinition, instancePath: string, env: Record<string, EnvBinding>, httpPrefix: string | null) => {
    const childPath = (name: string) => (instancePath === "" ? name : `${instancePath}/${name}`);
    const { analysis } = definition;
    const children: Record<string, string> = {};
    for (const child of analysis.childComponents) children[child.name] = childPath(child.name);
    const httpMounts: Record<string, string> = {};
    for (const [prefix, reference] of Object.entries(analysis.httpMounts)) {
      const name = reference.replace(/^_reference\/childComponent\//, "");
      if (children[name] !== undefined) httpMounts[prefix] = children[name];
    }
    planned.push({ path: instancePath, definition, outDir: instanceDir(buildDir, instancePath), children, env, httpPrefix, httpMounts });
    for (const child of analysis.childComponents) {
      const childDefinition = tree.definitions.get(child.path);
      // Every child's definition was evaluated before its parent could use it.
      if (childDefinition === undefined) throw new Error(`No evaluated definition for ${child.path}`);
      const mountedAt = Object.keys(httpMounts).find((prefix) => httpMounts[prefix] === childPath(child.name)) ?? null;
      visit(childDefinition, childPath(child.name), child.env, mountedAt);
    }
  };
  visit(tree.app, "", {}, tree.app.analysis.httpPrefix);
  return planned;
}

// One flat folder per install: "rateLimiter/batchWorker" → "rateLimiter.batchWorker". Nesting
// children inside their parent's folder could collide with a folder of the parent's own modules;
// "." cannot appear in a component name, so flat names cannot collide with each other.
function instanceDir(buildDir: string, instancePath: string): string {
  return instancePath === "" ? buildDir : path.join(buildDir, INSTANCES_DIR, instancePath.split("/").join("."));
}

/**
 * Copies one install's build to another's folder. Linked source maps name their sources relative
 * to the map, so each copied map is rewritten to point from its new place at the same sources.
 */
export function copyInstanceBuild(fromDir: string, toDir: string): void {
  fs.cpSync(fromDir, toDir, { recursive: true });
  for (const map of filesUnder(toDir).filter((file) => file.endsWith(".map"))) {
    const original = path.join(fromDir, path.relative(toDir, map));
    const payload = JSON.parse(fs.readFileSync(map, "utf8")) as { sources?: Array<string | null>; sourceRoot?: string };
    const sourceBase = path.resolve(path.dirname(original), payload.sourceRoot ?? "");
    payload.sources = (payload.sources ?? []).map((source) =>
      source === null ? null : path.relative(path.dirname(map), path.resolve(sourceBase, source)).split(path.sep).join("/"),
    );
    delete payload.sourceRoot;
    fs.writeFileSync(map, JSON.stringify(payload));
  }
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((relative) => path.join(dir, relative))
    .filter((file) => fs.statSync(file).isFile());
}

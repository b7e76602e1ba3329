// Turns the build's component installs into what the worker loads, resolving each install's
// environment the way the backend does at push (crates/isolate/src/environment/udf/phase.rs and
// crates/model/src/components/type_checking.rs): an install sees the variables its parent binds
// with `use(c, { env })` (a literal, or one of the parent's own variables: for a child of the app,
// a deployment variable), plus the system variables; a mounted install's CONVEX_SITE_URL carries
// its mount prefix. A required variable left unbound stops the load, as a push would.
import type { ComponentInstanceBuild } from "../loader/index";
import type { ComponentInit } from "../shared/protocol";

export interface DeploymentUrls {
  siteUrl: string;
  cloudUrl: string;
}

export class ComponentEnvError extends Error {}

/** `deploymentEnv`: what the app's functions see (env files plus the system variables). */
export function componentInits(
  instances: ComponentInstanceBuild[],
  deploymentEnv: Record<string, string>,
  urls: DeploymentUrls,
): ComponentInit[] {
  const envs = new Map<string, Record<string, string>>([["", deploymentEnv]]);
  const sitePrefixes = new Map<string, string | null>([["", ""]]);
  return instances.map((instance) => {
    if (instance.path === "") return initOf(instance, null);
    const parent = parentPath(instance.path);
    const parentEnv = envs.get(parent) ?? {};
    const env: Record<string, string> = {};
    for (const [name, binding] of Object.entries(instance.env)) {
      const value = binding.type === "value" ? binding.value : parentEnv[binding.name];
      if (value !== undefined) env[name] = value;
    }
    for (const declared of instance.declaredEnv) {
      if (!declared.optional && env[declared.name] === undefined) {
        throw new ComponentEnvError(
          `Component "${instance.path}" requires the environment variable ${declared.name}, but its parent does not set it: ` +
            `pass it with \`use(…, { env: { ${declared.name}: … } })\`${parent === "" ? " (and set the deployment variable with --env-file)" : ""}.`,
        );
      }
    }
    const parentPrefix = sitePrefixes.get(parent) ?? null;
    const prefix = parentPrefix !== null && instance.httpPrefix !== null ? parentPrefix + instance.httpPrefix.replace(/\/$/, "") : null;
    sitePrefixes.set(instance.path, prefix);
    env.CONVEX_SITE_URL = urls.siteUrl + (prefix ?? "");
    env.CONVEX_CLOUD_URL = urls.cloudUrl;
    envs.set(instance.path, env);
    return initOf(instance, env);
  });
}

function initOf(instance: ComponentInstanceBuild, env: Record<string, string> | null): ComponentInit {
  return {
    path: instance.path,
    modules: instance.modules.map(({ path, outFile, environment }) => ({ path, outFile, environment })),
    httpModule: instance.httpModule,
    schemaFile: instance.schemaFile,
    children: instance.children,
    httpMounts: instance.httpMounts,
    httpPrefix: instance.httpPrefix,
    env,
  };
}

function parentPath(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

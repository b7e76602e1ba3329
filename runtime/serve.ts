// `convex-lens serve` as a library call: read the env files, start both origins, load the
// project, then reload it on every save; print what happens to the caller's sinks (serve-log.ts)
// and report what fails in the background as notices. Used by the CLI, the extension and the
// tests, so all of them exercise exactly the same path.
import { vectorSearchHandlers } from "./host/vector-search-ops";
import { Hono } from "hono";
import { basename, join } from "node:path";
import { Runtime, type RuntimeOptions } from "./host/runtime";
import { NotServingError } from "./host/not-serving";
import { createSiteApp } from "./http/site-app";
import { createApiApp, finishApiApp } from "./http/api-app";
import { listen, type Listening } from "./http/listen";
import { allowedNamesOf } from "./http/allowed-names";
import { FrontDoor } from "./http/front-door";
import { attachAuth } from "./auth/index";
import { DEV_JWKS_PATH, DevIssuer, devIssuerUrl } from "./auth/dev-issuer";
import { serveDevIssuerJwks } from "./auth/dev-issuer-routes";
import { attachStorage } from "./storage/index";
import { attachScheduler } from "./scheduler/index";
import { attachCrons } from "./scheduler/crons";
import type { CronService } from "./scheduler/cron-service";
import { attachFunctionApi } from "./function-api/index";
import { attachSync, type SyncFeature } from "./sync/index";
import type { RuntimeFeature } from "./shared/feature";
import { openInspector, type InspectorEndpoint } from "./debug/inspector-server";
import { readEnvFiles } from "./host/env-files";
import { watchProject, type ProjectWatcher } from "./loader/watch";
import { printRuntime, type ServeLogOptions } from "./serve-log";

export interface ServeOptions extends Omit<RuntimeOptions, "siteUrl" | "cloudUrl">, ServeLogOptions {
  port: number;
  apiPort: number;
  /** Dotenv files: their variables are the deployment's, under those of `env`. */
  envFiles?: readonly string[];
  /** Reload on every save in the functions folder (schema.ts and auth.config.ts included). */
  watch?: boolean;
  /**
   * Trust Convex Lens's local dev issuer ("Act as a user") besides auth.config.ts. Its key pair
   * lives in `<data>/dev-issuer/`. Off unless asked for.
   */
  devIssuer?: boolean;
  /**
   * Host names both origins answer to besides 127.0.0.1, localhost and [::1] with their port
   * (a tunnel, a proxy); ".example.com" for a whole domain. DNS rebinding protection.
   */
  allowedHosts?: readonly string[];
  /** Page origins that may call /api/* besides loopback ones; "*" for all, as the backend does. */
  allowedOrigins?: readonly string[];
  /** `--inspect`: the port of a debugger endpoint for the functions' worker threads (0: any free one). */
  inspect?: number;
}

export interface Serving {
  runtime: Runtime;
  site: Listening;
  api: Listening;
  /** The local dev issuer, when `devIssuer` was asked for: it signs "Act as a user" tokens. */
  devIssuer: DevIssuer | null;
  /** The cron jobs: their state for the panel and the banner, "Run now". */
  crons: CronService;
  /** The sync WebSocket of `convex` clients (ConvexReactClient, ConvexClient) and its subscriptions. */
  sync: SyncFeature;
  /** The debugger endpoint, when `inspect` was asked for. */
  inspector: InspectorEndpoint | null;
  close(): Promise<void>;
}

export async function startServing(options: ServeOptions): Promise<Serving> {
  const env = { ...readEnvFiles(options.envFiles ?? []), ...options.env };
  // Both servers listen before the code loads: user code sees their URLs in process.env. Until
  // their routes are all in, requests wait at the doors; then, until the first load has
  // finished, in the routes (Runtime.whenServing).
  const allowed = allowedNamesOf(options);
  const apiApp = createApiApp(allowed);
  const siteApp = new Hono();
  const doors = { site: new FrontDoor(), api: new FrontDoor() };
  const api = await listen(doors.api.fetch, options.apiPort, "--api-port", allowed);
  let site: Listening;
  try {
    site = await listen(doors.site.fetch, options.port, "--port", allowed);
  } catch (error) {
    await api.close();
    throw error;
  }
  const failedToStart = async (error: unknown) => {
    const message = `Convex Lens could not start: ${error instanceof Error ? error.message : String(error)}`;
    doors.site.close(message);
    doors.api.close(message);
    await Promise.all([site.close(), api.close()]);
  };
  let runtime: Runtime;
  try {
    runtime = await Runtime.open({ ...options, env, siteUrl: site.url, cloudUrl: api.url });
  } catch (error) {
    await failedToStart(error);
    throw error;
  }
  printRuntime(runtime, options);
  let devIssuer: DevIssuer | null = null;
  let inspector: InspectorEndpoint | null = null;
  try {
    if (options.devIssuer) devIssuer = await DevIssuer.open(join(runtime.dataDir, "dev-issuer"), devIssuerUrl(api.url));
    // Before the first load, so that the banner can show it.
    if (options.inspect !== undefined) inspector = await openInspector(options.inspect, basename(options.projectDir));
  } catch (error) {
    await failedToStart(error);
    await runtime.close();
    throw error;
  }
  if (devIssuer) serveDevIssuerJwks(apiApp, devIssuer);
  const crons = attachCrons(runtime);
  const storage = attachStorage(runtime, apiApp);
  const scheduler = attachScheduler(runtime);
  const sync = await attachSync(runtime, api, allowed);
  const features: RuntimeFeature[] = [
    attachAuth(runtime, { devIssuer: devIssuer && { issuer: devIssuer, jwksUrl: `${api.url}${DEV_JWKS_PATH}` } }),
    storage,
    scheduler,
    attachFunctionApi(runtime, apiApp),
    crons,
    sync,
  ];
  // Every feature op of the table (shared/host-ops.ts) has its handler here, or this does not compile.
  runtime.services.answer({
    ...storage.ops,
    ...scheduler.ops,
    ...runtime.handles.handlers,
    ...vectorSearchHandlers(runtime.store),
  });
  finishApiApp(apiApp, runtime);
  siteApp.route("/", createSiteApp(runtime));
  doors.api.open(apiApp);
  doors.site.open(siteApp);
  // In the same turn as the doors open: the requests let in find the load under way.
  await runtime.reload();
  // The first load's jobs are in place before anyone lists them (the banner).
  await crons.service.settled();
  let watcher: ProjectWatcher | null = null;
  const close = async () => {
    watcher?.close();
    const stopping = NotServingError.stopped().message;
    doors.site.close(stopping);
    doors.api.close(stopping);
    // No new connections from here; the requests in progress get their answers: those waiting
    // on user code when the runtime stops are told so (runtime.close).
    const serversClosed = Promise.all([site.close(), api.close()]);
    for (const feature of features) await feature.close();
    // First: disconnecting the debuggers resumes workers stopped at a breakpoint, which
    // cannot be terminated while stopped.
    await inspector?.close();
    await runtime.close();
    await serversClosed;
  };
  if (options.watch) {
    try {
      watcher = watchFunctions(runtime);
    } catch (error) {
      await close();
      throw error;
    }
  }
  return { runtime, site, api, devIssuer, crons: crons.service, inspector, sync, close };
}

/** Reloads on save; saves made while the first build ran count as changes too. Throws without a functions folder. */
function watchFunctions(runtime: Runtime): ProjectWatcher {
  return watchProject(
    runtime.options.projectDir,
    () => void runtime.reload().catch((error: unknown) => runtime.notice(`Reloading the project failed: ${describe(error)}`)),
    {
      changedSince: runtime.lastBuildStartedAt ?? undefined,
      onError: (error) => runtime.notice(`Watching the functions folder failed: ${error.message}`),
    },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

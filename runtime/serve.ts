// `convex-lens serve` as a library call: start both origins, then load the project. Used by the
// CLI, the extension and the tests, so all of them exercise exactly the same path.
import { Hono } from "hono";
import { join } from "node:path";
import { Runtime, type RuntimeOptions } from "./host/runtime";
import { createSiteApp } from "./http/site-app";
import { createApiApp, finishApiApp } from "./http/api-app";
import { listen, type Listening } from "./http/listen";
import { allowedNamesOf } from "./http/allowed-names";
import { attachAuth } from "./auth/index";
import { DEV_JWKS_PATH, DevIssuer, devIssuerUrl } from "./auth/dev-issuer";
import { serveDevIssuerJwks } from "./auth/dev-issuer-routes";
import { attachStorage } from "./storage/index";
import { attachScheduler } from "./scheduler/index";
import { attachCrons } from "./scheduler/crons";
import type { CronService } from "./scheduler/cron-service";
import { attachFunctionApi } from "./function-api/index";
import type { RuntimeFeature } from "./shared/feature";

export interface ServeOptions extends Omit<RuntimeOptions, "siteUrl" | "cloudUrl"> {
  port: number;
  apiPort: number;
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
}

export interface Serving {
  runtime: Runtime;
  site: Listening;
  api: Listening;
  /** The local dev issuer, when `devIssuer` was asked for: it signs "Act as a user" tokens. */
  devIssuer: DevIssuer | null;
  /** The cron jobs: their state for the panel and the banner, "Run now". */
  crons: CronService;
  close(): Promise<void>;
}

export async function startServing(options: ServeOptions): Promise<Serving> {
  // Both servers listen before the code loads: user code sees their URLs in process.env.
  const allowed = allowedNamesOf(options);
  const apiApp = createApiApp(allowed);
  const siteApp = new Hono();
  const api = await listen(apiApp, options.apiPort, "--api-port", allowed);
  let site: Listening;
  try {
    site = await listen(siteApp, options.port, "--port", allowed);
  } catch (error) {
    await api.close();
    throw error;
  }
  let runtime: Runtime;
  try {
    runtime = await Runtime.open({ ...options, siteUrl: site.url, cloudUrl: api.url });
  } catch (error) {
    await Promise.all([site.close(), api.close()]);
    throw error;
  }
  let devIssuer: DevIssuer | null = null;
  try {
    if (options.devIssuer) devIssuer = await DevIssuer.open(join(runtime.dataDir, "dev-issuer"), devIssuerUrl(api.url));
  } catch (error) {
    await Promise.all([site.close(), api.close()]);
    await runtime.close();
    throw error;
  }
  if (devIssuer) serveDevIssuerJwks(apiApp, devIssuer);
  const crons = attachCrons(runtime);
  const features: RuntimeFeature[] = [
    attachAuth(runtime, { devIssuer: devIssuer && { issuer: devIssuer, jwksUrl: `${api.url}${DEV_JWKS_PATH}` } }),
    attachStorage(runtime, apiApp),
    attachScheduler(runtime),
    attachFunctionApi(runtime, apiApp),
    crons,
  ];
  finishApiApp(apiApp);
  siteApp.route("/", createSiteApp(runtime));
  await runtime.reload();
  // The first load's jobs are in place before anyone lists them (the banner).
  await crons.service.settled();
  return {
    runtime,
    site,
    api,
    devIssuer,
    crons: crons.service,
    async close() {
      await Promise.all([site.close(), api.close()]);
      for (const feature of features) await feature.close();
      await runtime.close();
    },
  };
}

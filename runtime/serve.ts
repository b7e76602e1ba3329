// `convex-lens serve` as a library call: start both origins, then load the project. Used by the
// CLI and by tests, so both exercise exactly the same path.
import { Hono } from "hono";
import { Runtime, type RuntimeOptions } from "./host/runtime";
import { createSiteApp } from "./http/site-app";
import { listen, type Listening } from "./http/listen";

export interface ServeOptions extends Omit<RuntimeOptions, "siteUrl" | "cloudUrl"> {
  port: number;
  apiPort: number;
}

export interface Serving {
  runtime: Runtime;
  site: Listening;
  api: Listening;
  close(): Promise<void>;
}

export async function startServing(options: ServeOptions): Promise<Serving> {
  // The API app is created first so its URL can be handed to user code as CONVEX_CLOUD_URL.
  const apiApp = new Hono();
  const api = await listen(apiApp, options.apiPort, "--api-port");
  let site: Listening;
  let runtime: Runtime;
  try {
    const siteApp = new Hono();
    site = await listen(siteApp, options.port, "--port");
    try {
      runtime = await Runtime.open({ ...options, siteUrl: site.url, cloudUrl: api.url });
    } catch (error) {
      await site.close();
      throw error;
    }
    siteApp.route("/", createSiteApp(runtime));
    apiApp.notFound((c) => c.text("Not found", 404));
  } catch (error) {
    await api.close();
    throw error;
  }
  await runtime.reload();
  return {
    runtime,
    site,
    api,
    async close() {
      await Promise.all([site.close(), api.close()]);
      await runtime.close();
    },
  };
}

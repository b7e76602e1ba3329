// Where requests go: the embedded runtime (default), a Convex local backend, or the deployment
// named in the project's `.env.local`. Pure, no vscode: the adapter (target-switch.ts) reads the
// file and the remembered choice, this module turns them into a target with its label.
import { parseEnv } from "node:util";

export type TargetKind = "runtime" | "localBackend" | "deployment";

export const TARGET_KINDS: readonly TargetKind[] = ["runtime", "localBackend", "deployment"];

/** `npx convex dev --local` / the self-hosted backend serve HTTP actions here. */
export const LOCAL_BACKEND_SITE_URL = "http://127.0.0.1:3211";

export interface Target {
  kind: TargetKind;
  /** What the response panel shows: "Local runtime — http://127.0.0.1:3311". */
  label: string;
  /** The site origin to send to; null when the target cannot be used now. */
  siteUrl: string | null;
  /** Why `siteUrl` is null, saying what to do. */
  unavailable: string | null;
  /** Only the embedded runtime records executions and log lines we can show. */
  hasLogs: boolean;
}

export interface TargetContext {
  /** The embedded runtime's site URL while it serves, else null. */
  runtimeSiteUrl: string | null;
  /** The text of `<project>/.env.local`, or null when there is none. */
  envLocal: string | null;
}

export interface Deployment {
  siteUrl: string;
  /** `happy-animal-123`, or the host for a custom domain. */
  name: string;
  /** The variable it came from. */
  source: string;
}

/** Variables a Convex project's `.env.local` may hold the deployment URL in, by preference. */
export const CLOUD_URL_VARIABLES = ["CONVEX_URL", "VITE_CONVEX_URL", "NEXT_PUBLIC_CONVEX_URL"] as const;

export function isTargetKind(value: unknown): value is TargetKind {
  return (TARGET_KINDS as readonly unknown[]).includes(value);
}

function origin(text: string): string | null {
  try {
    const url = new URL(text.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}

function nameOf(siteUrl: string, env: Record<string, string>): string {
  const host = new URL(siteUrl).hostname;
  const cloud = /^([a-z0-9-]+)\.(?:[a-z0-9-]+\.)?convex\.site$/.exec(host);
  if (cloud) return cloud[1]!;
  // `npx convex dev` writes `CONVEX_DEPLOYMENT=dev:happy-animal-123`.
  const deployment = env.CONVEX_DEPLOYMENT?.split(":").pop()?.trim();
  return deployment || host;
}

/**
 * The deployment `.env.local` names: `CONVEX_SITE_URL`, else a cloud URL with `.convex.cloud`
 * turned into `.convex.site`. `{ problem }` when a URL is there but gives no site URL.
 */
export function deploymentFromEnv(envLocal: string): Deployment | { problem: string } | null {
  let env: Record<string, string>;
  try {
    env = parseEnv(envLocal) as Record<string, string>;
  } catch {
    return { problem: ".env.local could not be read as a dotenv file" };
  }
  if (env.CONVEX_SITE_URL) {
    const site = origin(env.CONVEX_SITE_URL);
    if (!site) return { problem: `CONVEX_SITE_URL in .env.local is not an http(s) URL: "${env.CONVEX_SITE_URL}"` };
    return { siteUrl: site, name: nameOf(site, env), source: "CONVEX_SITE_URL" };
  }
  for (const variable of CLOUD_URL_VARIABLES) {
    const value = env[variable];
    if (!value) continue;
    const cloud = origin(value);
    if (!cloud) return { problem: `${variable} in .env.local is not an http(s) URL: "${value}"` };
    const url = new URL(cloud);
    if (!url.hostname.endsWith(".convex.cloud")) {
      return {
        problem: `${variable} (${cloud}) is not a *.convex.cloud URL, so its HTTP actions URL is unknown: add CONVEX_SITE_URL to .env.local`,
      };
    }
    url.hostname = `${url.hostname.slice(0, -".convex.cloud".length)}.convex.site`;
    return { siteUrl: url.origin, name: nameOf(url.origin, env), source: variable };
  }
  return null;
}

export function resolveTarget(kind: TargetKind, context: TargetContext): Target {
  switch (kind) {
    case "runtime": {
      const url = context.runtimeSiteUrl;
      return {
        kind,
        label: url ? `Local runtime — ${url}` : "Local runtime (stopped)",
        siteUrl: url,
        unavailable: url ? null : "The Convex Lens runtime is stopped. Run 'Convex Lens: Start runtime'.",
        hasLogs: true,
      };
    }
    case "localBackend":
      return {
        kind,
        label: `Convex local backend — ${LOCAL_BACKEND_SITE_URL}`,
        siteUrl: LOCAL_BACKEND_SITE_URL,
        unavailable: null,
        hasLogs: false,
      };
    case "deployment": {
      const found = context.envLocal === null ? null : deploymentFromEnv(context.envLocal);
      if (found === null) {
        const why = context.envLocal === null ? "There is no .env.local in the project" : ".env.local names no deployment";
        return {
          kind,
          label: "Deployment (none in .env.local)",
          siteUrl: null,
          unavailable: `${why}: run \`npx convex dev\` once, or add CONVEX_SITE_URL=https://<name>.convex.site to .env.local.`,
          hasLogs: false,
        };
      }
      if ("problem" in found) return { kind, label: "Deployment (unknown URL)", siteUrl: null, unavailable: found.problem, hasLogs: false };
      return { kind, label: `Deployment ${found.name} — ${found.siteUrl}`, siteUrl: found.siteUrl, unavailable: null, hasLogs: false };
    }
  }
}

/** Said in the Logs tab when the target keeps its own logs. */
export function logsUnavailableNote(target: Target): string {
  if (target.kind === "deployment")
    return "Logs are only available for the local runtime. This deployment's logs are in the Convex dashboard or `npx convex logs`.";
  return "Logs are only available for the local runtime. The local backend prints its logs where it runs.";
}

/** The quick pick's rows: every target with what it would send to, the current one marked. */
export function targetChoices(
  current: TargetKind,
  context: TargetContext,
): Array<{ target: TargetKind; label: string; description: string; detail: string; picked: boolean }> {
  const titles: Record<TargetKind, string> = {
    runtime: "Local runtime",
    localBackend: "Convex local backend",
    deployment: "Deployment from .env.local",
  };
  return TARGET_KINDS.map((kind) => {
    const target = resolveTarget(kind, context);
    return {
      target: kind,
      label: titles[kind],
      description: target.siteUrl ?? (kind === "runtime" ? "stopped" : "unavailable"),
      detail:
        target.unavailable ??
        (target.hasLogs ? "Responses with their executions and log lines" : "Responses only: logs stay with that backend"),
      picked: kind === current,
    };
  });
}

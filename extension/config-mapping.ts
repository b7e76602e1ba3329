// Settings → runtime options, without vscode so it is tested in plain Node.
export interface LensConfig {
  autoStart: boolean;
  sitePort: number;
  apiPort: number;
  queryTimeoutMs: number;
  /** Relative to the project folder. */
  envFiles: string[];
  /** Log lines the runtime keeps (convexLens.logRetention). */
  logRetention: number;
  /** Trust the local dev issuer's tokens ("Act as a user"; convexLens.devIssuer). */
  devIssuer: boolean;
  /** Host names answered besides the loopback ones (convexLens.allowedHosts); checked by the runtime. */
  allowedHosts: string[];
  /** Page origins that may call /api/* besides loopback ones (convexLens.allowedOrigins); checked by the runtime. */
  allowedOrigins: string[];
}

/** Changing one of these takes effect only after the runtime restarts. */
export const RESTART_SETTINGS = [
  "sitePort",
  "apiPort",
  "queryTimeoutMs",
  "envFiles",
  "logRetention",
  "devIssuer",
  "allowedHosts",
  "allowedOrigins",
] as const;

export const DEFAULT_LOG_RETENTION = 100_000;

type Getter = <T>(key: string, fallback: T) => T;

/** The non-empty strings of a list setting; anything else there is ignored. */
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string" && item.trim() !== "") : [];
}

function port(value: unknown, fallback: number): number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535 ? (value as number) : fallback;
}

export function mapConfig(get: Getter): LensConfig {
  const timeout = get<number>("queryTimeoutMs", 1000);
  const envFiles = get<unknown>("envFiles", []);
  const logRetention = get<unknown>("logRetention", DEFAULT_LOG_RETENTION);
  return {
    autoStart: get<boolean>("autoStart", true) !== false,
    sitePort: port(get<number>("sitePort", 3311), 3311),
    apiPort: port(get<number>("apiPort", 3310), 3310),
    queryTimeoutMs: typeof timeout === "number" && timeout > 0 ? timeout : 1000,
    logRetention: Number.isInteger(logRetention) && (logRetention as number) >= 1 ? (logRetention as number) : DEFAULT_LOG_RETENTION,
    devIssuer: get<boolean>("devIssuer", true) !== false,
    envFiles: strings(envFiles),
    allowedHosts: strings(get<unknown>("allowedHosts", [])),
    allowedOrigins: strings(get<unknown>("allowedOrigins", [])),
  };
}

/** Settings of the response panel and "Save request", read each time they are used (no restart). */
export interface RequestsConfig {
  /** Relative to the project folder (convexLens.requestsFolder). */
  requestsFolder: string;
  /** Add `?? status == <status>` to saved requests (convexLens.saveStatusAssertion). */
  saveStatusAssertion: boolean;
  /** One response panel reused for every route, or one per route (convexLens.responsePanel). */
  responsePanel: "shared" | "perRoute";
}

export const DEFAULT_REQUESTS_FOLDER = "convex-requests";

export function mapRequestsConfig(get: Getter): RequestsConfig {
  const folder = get<unknown>("requestsFolder", DEFAULT_REQUESTS_FOLDER);
  return {
    requestsFolder: typeof folder === "string" && folder.trim() !== "" ? folder.trim() : DEFAULT_REQUESTS_FOLDER,
    saveStatusAssertion: get<boolean>("saveStatusAssertion", true) !== false,
    responsePanel: get<unknown>("responsePanel", "shared") === "perRoute" ? "perRoute" : "shared",
  };
}

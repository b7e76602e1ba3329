// Settings → runtime options, without vscode so it is tested in plain Node.
export interface LensConfig {
  autoStart: boolean;
  sitePort: number;
  apiPort: number;
  queryTimeoutMs: number;
  /** Relative to the project folder. */
  envFiles: string[];
}

/** Changing one of these takes effect only after the runtime restarts. */
export const RESTART_SETTINGS = ["sitePort", "apiPort", "queryTimeoutMs", "envFiles"] as const;

type Getter = <T>(key: string, fallback: T) => T;

function port(value: unknown, fallback: number): number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535 ? (value as number) : fallback;
}

export function mapConfig(get: Getter): LensConfig {
  const timeout = get<number>("queryTimeoutMs", 1000);
  const envFiles = get<unknown>("envFiles", []);
  return {
    autoStart: get<boolean>("autoStart", true) !== false,
    sitePort: port(get<number>("sitePort", 3311), 3311),
    apiPort: port(get<number>("apiPort", 3310), 3310),
    queryTimeoutMs: typeof timeout === "number" && timeout > 0 ? timeout : 1000,
    envFiles: Array.isArray(envFiles) ? envFiles.filter((f): f is string => typeof f === "string" && f.trim() !== "") : [],
  };
}

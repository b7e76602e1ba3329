// Runs an esbuild build and turns whatever it throws into build messages, the same way for the
// app, each component definition and the convex.config bundles.
import type { BuildFailure, BuildOptions, BuildResult } from "esbuild";
import { fileMessage, fromEsbuildMessage, type BuildMessage } from "./build-message.js";
import type { Esbuild } from "./esbuild-loader.js";

export type EsbuildRun<T extends BuildOptions> =
  | { ok: true; result: BuildResult<T>; warnings: BuildMessage[] }
  | { ok: false; errors: BuildMessage[]; warnings: BuildMessage[] };

// esbuild's own parameter type (not exported): the options, with no keys it does not know.
type KnownOptions<T extends BuildOptions> = T & { [Key in Exclude<keyof T, keyof BuildOptions>]: never };

/** `crashFile`: where to point if esbuild itself fails without messages. */
export async function runEsbuild<T extends BuildOptions>(
  esbuild: Esbuild,
  options: KnownOptions<T>,
  workingDir: string,
  crashFile: string,
): Promise<EsbuildRun<T>> {
  const toMessage = (m: BuildFailure["errors"][number]) => fromEsbuildMessage(m, workingDir);
  try {
    const result = await esbuild.build<T>(options);
    return { ok: true, result, warnings: result.warnings.map(toMessage) };
  } catch (err) {
    if (!isEsbuildFailure(err)) return { ok: false, errors: [fileMessage(crashFile, `esbuild crashed: ${errorText(err)}`)], warnings: [] };
    return { ok: false, errors: err.errors.map(toMessage), warnings: err.warnings.map(toMessage) };
  }
}

function isEsbuildFailure(err: unknown): err is BuildFailure {
  return (
    typeof err === "object" && err !== null && Array.isArray((err as BuildFailure).errors) && Array.isArray((err as BuildFailure).warnings)
  );
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

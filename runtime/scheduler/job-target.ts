// Which function a due job runs, decided from the code loaded now: the code may have changed since
// the job was scheduled. Failures use the backend's texts (crates/application/src/scheduled_jobs/
// mod.rs, run_function; crates/model/src/modules: ModuleNotFoundError, FunctionNotFoundError).
import type { FunctionInfo } from "../shared/protocol";
import { type FunctionPath, moduleFile, parseFunctionPath, runtimeName } from "./function-path";

export type JobTarget = { kind: "run"; name: string; udfType: "mutation" | "action" } | { kind: "fail"; message: string };

const LABEL = { query: "Query", mutation: "Mutation", action: "Action" } as const;

/** `functions`: those of the install the job's function belongs to. */
export function resolveJobTarget(functions: FunctionInfo[], path: FunctionPath): JobTarget {
  const name = runtimeName(path);
  const info = functions.find((f) => f.name === name);
  if (!info) {
    const moduleExists = functions.some((f) => parseFunctionPath(f.name).module === path.module);
    const message = moduleExists
      ? `Couldn't find ${JSON.stringify(path.exportName)} in module ${JSON.stringify(moduleFile(path))}.`
      : `Couldn't find JavaScript module '${moduleFile(path)}'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`;
    return { kind: "fail", message };
  }
  if (info.udfType === "query") {
    // The backend's format string has a stray `" "` in the middle of this sentence; we print the
    // sentence it means.
    return {
      kind: "fail",
      message: `Unsupported function type. ${JSON.stringify(path.exportName)} in module ${JSON.stringify(moduleFile(path))} is defined as a ${LABEL.query}. Only ${LABEL.mutation} and ${LABEL.action} can be scheduled.`,
    };
  }
  return { kind: "run", name, udfType: info.udfType };
}

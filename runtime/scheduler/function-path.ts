// Two spellings of one function. The backend stores a job's target in canonical form,
// `module.js:function` (`_scheduled_functions.name` is e.g. "messages.js:destruct", see the
// "Scheduled Functions" docs and crates/model/src/scheduled_jobs/virtual_table.rs), while this
// runtime names functions `module:function`, or just `module` for a default export.

export interface FunctionPath {
  /** Module path inside the functions folder, without extension ("messages", "dir/mod"). */
  module: string;
  exportName: string;
}

/** Parses `mod:fn`, `mod.js:fn` or `mod` (a default export), as the backend's UdfPath does. */
export function parseFunctionPath(name: string): FunctionPath {
  const colon = name.lastIndexOf(":");
  const modulePart = colon === -1 ? name : name.slice(0, colon);
  const exportName = colon === -1 ? "default" : name.slice(colon + 1) || "default";
  return { module: modulePart.replace(/\.js$/, ""), exportName };
}

/** The module as the backend names it in messages: "messages.js". */
export function moduleFile(path: FunctionPath): string {
  return `${path.module}.js`;
}

/** `CanonicalizedUdfPath`: "messages.js:send", "messages.js:default". */
export function canonicalName(path: FunctionPath): string {
  return `${moduleFile(path)}:${path.exportName}`;
}

/** The name `runtime.runFunction` and `project.functions` use. */
export function runtimeName(path: FunctionPath): string {
  return path.exportName === "default" ? path.module : `${path.module}:${path.exportName}`;
}

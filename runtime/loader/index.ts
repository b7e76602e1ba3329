// The loader's public surface: build a project's Convex functions, and watch them for changes.
export { buildProject, type BuildOptions } from "./build.js";
export type { BuildFailure, BuildResult, BuildSuccess, BuiltModule, ComponentInstanceBuild } from "./build-result.js";
export { whereInProject, type BuildMessage } from "./build-message.js";
export { BUILD_ROOT, newBuildDir, pruneAbandonedBuilds, pruneBuilds } from "./build-dirs.js";
export { findFunctionsDir, findHttpFile, type FunctionsDir, type FunctionsDirResult } from "./functions-dir.js";
export { selectEntryPoints, skipReason, type EntryPoint, type ModuleEnvironment } from "./entry-points.js";
export { watchProject, type ProjectWatcher, type WatchOptions } from "./watch.js";

// What a build hands to the worker that loads modules and to whoever shows problems to the user.
import type { BuildMessage } from "./build-message.js";
import type { ModuleEnvironment } from "./entry-points.js";

export interface BuiltModule {
  /** Relative to the functions folder, with forward slashes: "messages.ts", "dir/sub.ts". */
  path: string;
  /** Absolute path of the built `.js` file, ready for `import(pathToFileURL(outFile).href)`. */
  outFile: string;
  /** Where Convex would run it ("node" for files with "use node"); here everything runs in Node. */
  environment: ModuleEnvironment;
}

export interface ComponentInstanceBuild {
  /** "" for the app; "twilio"; "rateLimiter/batchWorker". */
  path: string;
  /** ComponentDefinitionPath; null for the app. */
  definitionPath: string | null;
  /** Absolute definition directory (the functions folder for the app). */
  definitionDir: string;
  /** The definition's defineComponent name ("twilio"); "" for the app. */
  defaultName: string;
  /** Direct children: use-name → child instance path. */
  children: Record<string, string>;
  /** Env bindings given by the parent's use(…, {env}): a literal, or a reference to the parent's variable. */
  env: Record<string, { type: "value"; value: string } | { type: "envVar"; name: string }>;
  /** Env vars the definition declares (defineComponent(name, {env})), with optionality. */
  declaredEnv: Array<{ name: string; optional: boolean }>;
  /** This instance's own mount prefix (parent's use(…, {httpPrefix}), trailing "/"), or for the app defineApp({httpPrefix}); null if none. */
  httpPrefix: string | null;
  /** Mounts of this instance's children: prefix with trailing "/" → child instance path. */
  httpMounts: Record<string, string>;
  /** This instance's modules (its own files); for the app, the same list as BuildSuccess.modules. */
  modules: BuiltModule[];
  schemaFile: string | null;
  /** Path (relative, as BuiltModule.path) of http.ts/js, or null. */
  httpModule: string | null;
  /** The folder holding this instance's own copy of its definition's build (the build folder for the app). */
  outDir: string;
}

export interface BuildSuccess {
  ok: true;
  buildId: string;
  /** The folder holding this build; never reused by another build. */
  outDir: string;
  functionsDir: string;
  modules: BuiltModule[];
  /** Absolute path of the built schema module (`<outDir>/schema.js`), or null without a schema. */
  schemaFile: string | null;
  /** Absolute path of the built auth config (`<outDir>/auth.config.js`), or null without one. */
  authConfigFile: string | null;
  /** The `path` of the module defining HTTP routes (http.ts / http.js), or null. */
  httpModule: string | null;
  durationMs: number;
  warnings: BuildMessage[];
  /** "workspace": `convex/*` stays external and Node loads the project's copy; "bundled": ours is bundled in. */
  convexSource: "workspace" | "bundled";
  convexVersion: string;
  esbuildSource: "custom" | "workspace" | "bundled";
  esbuildVersion: string;
  /** Every instance, the app first, parents before children. Without convex.config.ts: only the app. */
  components: ComponentInstanceBuild[];
  /**
   * The project's own source files that went into the build (absolute, no node_modules), including
   * files outside the functions folder that a watcher of that folder alone would miss, and the
   * convex.config files and local component sources.
   */
  inputs: string[];
}

export interface BuildFailure {
  ok: false;
  errors: BuildMessage[];
  durationMs: number;
  warnings: BuildMessage[];
}

export type BuildResult = BuildSuccess | BuildFailure;

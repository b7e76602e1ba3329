// Evaluates bundled convex.config files in a child process (component-config-run.ts starts it),
// never in the process that builds: this is the user's code, and the loader runs inside VS Code's
// extension host. Each config runs in its own vm context holding only what the backend's
// definition environment offers: no syscalls, no clock or randomness, and `process.env` for the
// app's config alone.
import vm from "node:vm";

export interface ConfigToEvaluate {
  /** The definition directory: what the bundle's synthetic component imports name. */
  dir: string;
  code: string;
  /** The bundle's name in stack frames. */
  filename: string;
  /** ComponentDefinitionPath; "" for the app. */
  definitionPath: string;
  isApp: boolean;
}

export interface EvaluationInput {
  /** Children before the parents that import them. */
  configs: ConfigToEvaluate[];
  /** process.env of the app's config (the deployment's variables). */
  appEnv: Record<string, string>;
  timeoutMs: number;
}

/** 1-based, in the bundle named by ConfigToEvaluate.filename. */
export interface BundlePosition {
  line: number;
  column: number;
}

export type EvaluationFailure =
  | { kind: "threw"; text: string; frames: BundlePosition[] }
  | { kind: "timeout" }
  | { kind: "invalid-export"; detail: string };

export type ConfigWorkerMessage =
  | { type: "evaluating"; index: number }
  /** `useSites[i]`: the stack of the i-th read of a child's componentDefinitionPath, i.e. the i-th `use()`. */
  | { type: "evaluated"; index: number; analysis: unknown; useSites: BundlePosition[][] }
  | { type: "failed"; index: number; failure: EvaluationFailure }
  /** Everything is sent; the process exits next. */
  | { type: "done" };

/** The global the iife bundle assigns its exports to (esbuild `globalName`). */
export const CONFIG_EXPORTS_GLOBAL = "__convexLensConfigExports";
/** The global the synthetic `import x from "…/convex.config"` modules call with a definition directory. */
export const IMPORT_COMPONENT_GLOBAL = "__convexLensImportComponent";

interface Evaluated {
  definitionPath: string;
  defaultName: string;
  analysis: unknown;
}

type Outcome = { ok: true; analysis: unknown; useSites: BundlePosition[][] } | { ok: false; failure: EvaluationFailure };

// Started with an IPC channel: one input in, messages out, then the channel closes and we exit.
if (process.send !== undefined) {
  process.once("message", (input: EvaluationInput) => {
    const post = (message: ConfigWorkerMessage) => process.send?.(message);
    evaluateAll(input, post);
    process.send?.({ type: "done" } satisfies ConfigWorkerMessage, () => process.disconnect());
  });
}

function evaluateAll(input: EvaluationInput, post: (message: ConfigWorkerMessage) => void): void {
  const evaluated = new Map<string, Evaluated>();
  for (const [index, config] of input.configs.entries()) {
    post({ type: "evaluating", index });
    const outcome = evaluate(config, input, evaluated);
    if (!outcome.ok) {
      post({ type: "failed", index, failure: outcome.failure });
      return;
    }
    const name = (outcome.analysis as { name?: unknown } | null)?.name;
    evaluated.set(config.dir, {
      definitionPath: config.definitionPath,
      defaultName: typeof name === "string" ? name : "",
      analysis: outcome.analysis,
    });
    post({ type: "evaluated", index, analysis: outcome.analysis, useSites: outcome.useSites });
  }
}

function evaluate(config: ConfigToEvaluate, input: EvaluationInput, evaluated: Map<string, Evaluated>): Outcome {
  const useSites: BundlePosition[][] = [];
  let recordUses = true;
  // What the backend serves for `_componentDeps/…`: `use()` reads componentDefinitionPath once per
  // call, so the stack of each read is where that `use()` is (for errors about its name).
  const importComponent = (dir: string) => {
    const child = evaluated.get(dir);
    if (child === undefined) throw new Error(`Convex Lens evaluated ${dir} out of order; please report this.`);
    return {
      get componentDefinitionPath() {
        if (recordUses) useSites.push(framesIn(new Error().stack ?? "", config.filename));
        return child.definitionPath;
      },
      defaultName: child.defaultName,
      export: () => child.analysis,
    };
  };
  const context = vm.createContext(
    {
      [IMPORT_COMPONENT_GLOBAL]: importComponent,
      process: config.isApp ? { env: { ...input.appEnv } } : processWithoutEnv(),
      // The backend logs console output of definitions to its own server log; nobody sees it.
      console: silentConsole(),
      TextEncoder,
      TextDecoder,
      URL,
      URLSearchParams,
      atob,
      btoa,
    },
    // Promise jobs run inside runInContext, so the time limit covers them too.
    { microtaskMode: "afterEvaluate" },
  );
  guardClockAndRandom(context);

  const run = (code: string): { ok: true; value: unknown } | { ok: false; failure: EvaluationFailure } => {
    try {
      return { ok: true, value: new vm.Script(code, { filename: config.filename }).runInContext(context, { timeout: input.timeoutMs }) };
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return { ok: false, failure: { kind: "timeout" } };
      return { ok: false, failure: { kind: "threw", text: errorText(error), frames: framesIn(errorStack(error), config.filename) } };
    }
  };

  const loaded = run(config.code);
  if (!loaded.ok) return loaded;
  recordUses = false;
  const problem = exportProblem(context[CONFIG_EXPORTS_GLOBAL]);
  if (problem !== null) return { ok: false, failure: { kind: "invalid-export", detail: problem } };
  // JSON inside the context: the analysis leaves as plain data, whatever `export()` built it from.
  const exported = run(`JSON.stringify(${CONFIG_EXPORTS_GLOBAL}.default.export())`);
  if (!exported.ok) return exported;
  if (typeof exported.value !== "string") {
    return {
      ok: false,
      failure: {
        kind: "invalid-export",
        detail: "`app.export()` (where `app` is the default export of `convex.config.ts`) doesn’t return an object",
      },
    };
  }
  const analysis: unknown = JSON.parse(exported.value);
  // Checked before a parent can import it: use() would misread an app as a nameless component.
  const kindProblem = definitionKindProblem(analysis, config.isApp);
  if (kindProblem !== null) return { ok: false, failure: { kind: "invalid-export", detail: kindProblem } };
  return { ok: true, analysis, useSites };
}

function definitionKindProblem(analysis: unknown, isApp: boolean): string | null {
  const type = (analysis as { definitionType?: { type?: unknown } } | null)?.definitionType?.type;
  if (type === (isApp ? "app" : "childComponent")) return null;
  if (type === "app") return "it is an app definition";
  if (type === "childComponent") return "it is a component definition";
  return "`export()` returned no definitionType";
}

/** The backend's checks on a definition module's exports, in its words. */
function exportProblem(namespace: unknown): string | null {
  if (typeof namespace !== "object" || namespace === null || !("default" in namespace)) return "missing default export";
  const value: unknown = (namespace as { default: unknown }).default;
  if (typeof value !== "object" || value === null) return "the default export is not an object";
  if (Object.keys(namespace).length !== 1) return "`convex.config.ts` has more than one export";
  if (!("export" in value)) return "missing `export` property on the default export of `convex.config.ts`";
  if (typeof (value as { export: unknown }).export !== "function") {
    return "`app.export` (where `app` is the default export of `convex.config.ts`) is not a function";
  }
  return null;
}

function processWithoutEnv(): object {
  return Object.defineProperty({}, "env", {
    get() {
      throw new Error("Environment variables are only supported in the app's convex.config.ts.");
    },
  });
}

function silentConsole(): Record<string, () => void> {
  const quiet = () => undefined;
  return { log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet, trace: quiet };
}

// The backend gives definitions no clock and no random numbers (their analysis must not change
// between pushes of the same code); `new Date(value)` needs neither and keeps working.
function guardClockAndRandom(context: vm.Context): void {
  const unsupported = (what: string) => () => {
    throw new Error(`${what} unsupported when evaluating app definition`);
  };
  (vm.runInContext("Math", context) as { random: () => number }).random = unsupported("Math.random");
  const RealDate = vm.runInContext("Date", context) as DateConstructor;
  function GuardedDate(this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined || args.length === 0) return unsupported("Date")();
    return Reflect.construct(RealDate, args, new.target);
  }
  Object.setPrototypeOf(GuardedDate, RealDate);
  GuardedDate.prototype = RealDate.prototype;
  GuardedDate.now = unsupported("Date");
  context.Date = GuardedDate;
}

function framesIn(stack: string, filename: string): BundlePosition[] {
  const frames: BundlePosition[] = [];
  const escaped = filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const match of stack.matchAll(new RegExp(`${escaped}:(\\d+):(\\d+)`, "g"))) {
    frames.push({ line: Number(match[1]), column: Number(match[2]) });
  }
  return frames;
}

// Thrown values come from another realm (instanceof Error fails) or are not errors at all.
function errorText(error: unknown): string {
  if (typeof error === "object" && error !== null && typeof (error as Error).message === "string") {
    const name = typeof (error as Error).name === "string" ? (error as Error).name : "Error";
    return `${name}: ${(error as Error).message}`;
  }
  try {
    return String(error);
  } catch {
    return "a value that is not an Error";
  }
}

function errorStack(error: unknown): string {
  const stack = typeof error === "object" && error !== null ? (error as { stack?: unknown }).stack : undefined;
  return typeof stack === "string" ? stack : "";
}

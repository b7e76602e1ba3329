// `process.env` per component install. On the backend a component sees only the variables its
// parent passes with `use(component, { env })`, plus the system ones (convex-components-facts
// §4); the app sees the deployment's. One worker runs every install, so `process.env` becomes a
// view that answers for whichever install is running: the execution in progress, or the install
// whose modules are being imported (module-level code reads env too). The app's view is the
// worker's real environment object, untouched.
import { currentExecution } from "./execution";
import { ROOT_COMPONENT } from "../store/namespaces";

export class ComponentEnv {
  readonly #real: NodeJS.ProcessEnv;
  readonly #envs = new Map<string, Record<string, string>>();
  /** The install whose modules are being imported, outside of any execution. */
  #loading: string | null = null;

  constructor() {
    this.#real = process.env;
  }

  /** Sets an install's variables (null for the app, which keeps the real environment). */
  define(component: string, env: Record<string, string> | null): void {
    if (component !== ROOT_COMPONENT && env !== null) this.#envs.set(component, { ...env });
  }

  /** Replaces `process.env` with the per-install view. Nothing changes for a project without components. */
  install(): void {
    if (this.#envs.size === 0) return;
    const target = () => this.#current();
    const view = new Proxy(this.#real, {
      get: (_, key) => (typeof key === "string" ? target()[key] : undefined),
      set: (_, key, value) => {
        if (typeof key === "string") target()[key] = String(value);
        return true;
      },
      has: (_, key) => typeof key === "string" && key in target(),
      deleteProperty: (_, key) => (typeof key === "string" ? delete target()[key] : true),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const value = typeof key === "string" ? target()[key] : undefined;
        return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
      },
      defineProperty: (_, key, descriptor) => {
        if (typeof key === "string" && "value" in descriptor) target()[key] = String(descriptor.value);
        return true;
      },
    });
    process.env = view;
  }

  /** Runs `load` (a module import) with `process.env` answering for `component`. */
  async whileLoading<T>(component: string, load: () => Promise<T>): Promise<T> {
    this.#loading = component;
    try {
      return await load();
    } finally {
      this.#loading = null;
    }
  }

  #current(): Record<string, string | undefined> {
    const component = currentExecution()?.component ?? this.#loading ?? ROOT_COMPONENT;
    return component === ROOT_COMPONENT ? this.#real : (this.#envs.get(component) ?? this.#real);
  }
}

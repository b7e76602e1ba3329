// A stand-in for the `vscode` module, enough to run the extension's activate() in plain Node:
// real Uri, EventEmitter, Disposable and configuration; recorded commands and messages; and a
// catch-all stub for every other API (callable, constructible, any property), so the exposure
// tests keep working while the extension grows new views. Installed by redirecting Node's
// resolution of "vscode" (the tests run as CommonJS under tsx).
// biome-ignore-all lint/suspicious/noExplicitAny: a stand-in for the vscode module, as loosely typed as the parts of its API that the code under test touches.
import { readdirSync, readFileSync } from "node:fs";
import Module from "node:module";
import { join } from "node:path";

type Listener<T> = (event: T) => unknown;

export interface FakeVscodeState {
  isTrusted: boolean;
  workspaceFolders: string[];
  settings: Record<string, unknown>;
  extensionPath: string;
  commands: Map<string, (...args: unknown[]) => unknown>;
  messages: string[];
  /** Status bar items the extension created, as they are now (when the test keeps a list). */
  statusBarItems?: FakeStatusBarItem[];
}

export interface FakeStatusBarItem {
  id: string;
  text: string;
  tooltip: unknown;
  visible: boolean;
}

/** Callable, constructible, every property another stub; not a thenable, iterates as empty. */
function stub(name: string): any {
  const cache = new Map<PropertyKey, unknown>();
  const target = (() => {}) as unknown as object;
  return new Proxy(target, {
    get(_, prop) {
      if (prop === "then") return undefined;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return () => `[stub ${name}]`;
      if (prop === "toString" || prop === "toJSON") return () => `[stub ${name}]`;
      if (prop === "dispose") return () => undefined;
      if (!cache.has(prop)) cache.set(prop, stub(`${name}.${String(prop)}`));
      return cache.get(prop);
    },
    set(_, prop, value) {
      cache.set(prop, value);
      return true;
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`) as object,
  });
}

class Disposable {
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => {
      for (const item of items) item.dispose();
    });
  }
  constructor(private readonly onDispose: () => unknown = () => undefined) {}
  dispose(): void {
    this.onDispose();
  }
}

class EventEmitter<T> {
  readonly #listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>) => {
    this.#listeners.add(listener);
    return new Disposable(() => this.#listeners.delete(listener));
  };
  fire(event: T): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
  dispose(): void {
    this.#listeners.clear();
  }
}

function uri(path: string, scheme = "file"): any {
  return {
    scheme,
    fsPath: path,
    path,
    authority: "",
    query: "",
    fragment: "",
    toString: () => `${scheme}://${path}`,
    with: (change: { path?: string }) => uri(change.path ?? path, scheme),
  };
}

const Uri = {
  file: (path: string) => uri(path),
  parse: (text: string) => {
    const match = /^([a-z][a-z0-9+.-]*):\/\/[^/]*(.*)$/i.exec(text);
    return match ? uri(match[2] || "/", match[1]) : uri(text);
  },
  joinPath: (base: { fsPath: string }, ...parts: string[]) => uri(join(base.fsPath, ...parts)),
};

const noEvent = () => new Disposable();

/** What the extension gets from createStatusBarItem: its properties read and write `item`. */
function statusBarItemSurface(item: Record<string, unknown>): Record<string, unknown> {
  const surface: Record<string, unknown> = {
    show: () => {
      item.visible = true;
    },
    hide: () => {
      item.visible = false;
    },
    dispose: () => {
      item.visible = false;
    },
  };
  for (const key of ["text", "tooltip", "name", "command"]) {
    Object.defineProperty(surface, key, {
      get: () => item[key],
      set: (value: unknown) => {
        item[key] = value;
      },
      enumerable: true,
    });
  }
  return surface;
}

export function createFakeVscode(state: FakeVscodeState): any {
  const configuration = (section?: string) => ({
    get: <T>(key: string, fallback?: T) => {
      const full = section ? `${section}.${key}` : key;
      return (full in state.settings ? state.settings[full] : fallback) as T;
    },
    has: (key: string) => `${section}.${key}` in state.settings,
    inspect: () => undefined,
    update: async () => undefined,
  });
  const message = (kind: string) => async (text: string) => {
    state.messages.push(`${kind}: ${text}`);
    return undefined;
  };
  const memento = () => {
    const values = new Map<string, unknown>();
    return {
      get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback),
      update: async (key: string, value: unknown) => void values.set(key, value),
      keys: () => [...values.keys()],
    };
  };
  const explicit: Record<string, unknown> = {
    Uri,
    EventEmitter,
    Disposable,
    workspace: new Proxy(
      {
        get isTrusted() {
          return state.isTrusted;
        },
        get workspaceFolders() {
          return state.workspaceFolders.map((path, index) => ({ uri: Uri.file(path), name: `folder-${index}`, index }));
        },
        getConfiguration: configuration,
        onDidGrantWorkspaceTrust: noEvent,
        onDidChangeConfiguration: noEvent,
        onDidSaveTextDocument: noEvent,
        onDidChangeTextDocument: noEvent,
        onDidOpenTextDocument: noEvent,
        onDidCloseTextDocument: noEvent,
        onDidChangeWorkspaceFolders: noEvent,
        textDocuments: [],
        asRelativePath: (path: string | { fsPath: string }) => (typeof path === "string" ? path : path.fsPath),
      } as Record<string, unknown>,
      { get: (target, prop) => (prop in target ? target[prop as string] : stub(`workspace.${String(prop)}`)) },
    ),
    window: new Proxy(
      {
        showInformationMessage: message("info"),
        showWarningMessage: message("warning"),
        showErrorMessage: message("error"),
        createStatusBarItem: (id: string) => {
          const item = { id, text: "", tooltip: undefined as unknown, visible: false, name: "", command: undefined as unknown };
          state.statusBarItems?.push(item);
          return statusBarItemSurface(item);
        },
        showInputBox: async () => undefined,
        showQuickPick: async () => undefined,
      } as Record<string, unknown>,
      { get: (target, prop) => (prop in target ? target[prop as string] : stub(`window.${String(prop)}`)) },
    ),
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        state.commands.set(id, handler);
        return new Disposable(() => state.commands.delete(id));
      },
      executeCommand: async (id: string, ...args: unknown[]) => state.commands.get(id)?.(...args),
      getCommands: async () => [...state.commands.keys()],
    },
  };
  const context = {
    subscriptions: [] as Array<{ dispose(): unknown }>,
    extensionUri: Uri.file(state.extensionPath),
    extensionPath: state.extensionPath,
    asAbsolutePath: (path: string) => join(state.extensionPath, path),
    workspaceState: memento(),
    globalState: memento(),
    storageUri: undefined,
    globalStorageUri: Uri.file(join(state.extensionPath, ".global-storage")),
    logUri: Uri.file(join(state.extensionPath, ".log")),
    extensionMode: 3,
  };
  // Namespace imports copy the module's own properties once: every name the extension's sources
  // use must be there from the start.
  for (const name of namesUsedBy(join(state.extensionPath, "extension"))) if (!(name in explicit)) explicit[name] = stub(name);
  const module = new Proxy(explicit, { get: (target, prop) => (prop in target ? target[prop as string] : stub(String(prop))) });
  return { module, context };
}

/** `vscode.X` and `import { X } from "vscode"` names in a folder's TypeScript sources. */
function namesUsedBy(dir: string): Set<string> {
  const names = new Set<string>();
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith(".ts")) {
        const text = readFileSync(path, "utf8");
        for (const match of text.matchAll(/\bvscode\.([A-Za-z_$][\w$]*)/g)) names.add(match[1]!);
        for (const match of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']vscode["']/g)) {
          for (const part of match[1]!.split(",")) {
            const name = part
              .trim()
              .replace(/^type\s+/, "")
              .split(/\s+as\s+/)[0]!
              .trim();
            if (name) names.add(name);
          }
        }
      }
    }
  };
  visit(dir);
  return names;
}

const FAKE_ID = "\0fake-vscode";

/** Makes `require("vscode")` return `fake` until the returned function is called. */
export function installFakeVscode(fake: unknown): () => void {
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === "vscode") return FAKE_ID;
    return original.call(this, request, ...rest);
  };
  const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
  cache[FAKE_ID] = { id: FAKE_ID, filename: FAKE_ID, loaded: true, exports: fake, children: [], paths: [] };
  return () => {
    resolver._resolveFilename = original;
    delete cache[FAKE_ID];
  };
}

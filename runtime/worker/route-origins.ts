// Where each HTTP route was added: by the project's own code (file and line), or by a package's
// helper, e.g. `@convex-dev/twilio`'s `registerRoutes(http)`. Editors show the package beside such
// routes, which have no `http.route(...)` of their own in the project to point at.
//
// The router gives no hook: `route` is a per-instance arrow function. What every route does is
// store its handler (a function marked `isHttp`) in a Map, so while an install's modules are
// imported, `Map.prototype.set` notes the call stack of every handler stored. The project's frame
// that stored it, or the package the project called, added the route.
export type RouteOrigin = { kind: "package"; name: string } | { kind: "source"; file: string; line: number };

const FRAME = /\(?((?:file:\/\/)?\/[^\s():]+|[A-Za-z]:\\[^\s():]+):(\d+):\d+\)?$/;

/** Handlers seen while recording, each with where it was stored from (in order). */
export class RouteOrigins {
  readonly #byHandler = new WeakMap<object, RouteOrigin[]>();

  /** Runs `load` (module imports) and records the origin of every HTTP handler stored meanwhile. */
  async record<T>(load: () => Promise<T>): Promise<T> {
    const original = Map.prototype.set;
    const origins = this.#byHandler;
    Map.prototype.set = function <K, V>(this: Map<K, V>, key: K, value: V) {
      if (typeof value === "function" && (value as { isHttp?: unknown }).isHttp === true) {
        const origin = originOf(new Error().stack ?? "");
        if (origin) origins.set(value, [...(origins.get(value) ?? []), origin]);
      }
      return original.call(this, key, value) as Map<K, V>;
    };
    try {
      return await load();
    } finally {
      Map.prototype.set = original;
    }
  }

  /** The origin of the `occurrence`-th route using `handler` (a handler may serve several routes). */
  of(handler: unknown, occurrence: number): RouteOrigin | null {
    if (typeof handler !== "function") return null;
    const list = this.#byHandler.get(handler);
    return list?.[Math.min(occurrence, list.length - 1)] ?? null;
  }
}

/**
 * The project's frame that stored the handler, or the package the project called to do it. That is
 * the outermost package below the project's code: `@convex-dev/better-auth`'s `registerRoutes`
 * adds its routes through `convex-helpers`' `corsRouter`, and the route is better-auth's.
 */
export function originOf(stack: string): RouteOrigin | null {
  let calledPackage: string | null = null;
  // Line 0 is the message, line 1 the patched `set` itself.
  for (const line of stack.split("\n").slice(2)) {
    const match = FRAME.exec(line.trim());
    if (!match) continue;
    const file = match[1]!.replace(/^file:\/\//, "");
    const pkg = packageOf(file);
    if (pkg === "convex") continue;
    if (pkg !== null) calledPackage = pkg;
    else return calledPackage !== null ? { kind: "package", name: calledPackage } : { kind: "source", file, line: Number(match[2]) };
  }
  return calledPackage !== null ? { kind: "package", name: calledPackage } : null;
}

/** "@convex-dev/twilio" for a file under node_modules/@convex-dev/twilio/…, else null. */
function packageOf(file: string): string | null {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0 || at + 1 >= parts.length) return null;
  const first = parts[at + 1]!;
  return first.startsWith("@") && at + 2 < parts.length ? `${first}/${parts[at + 2]}` : first;
}

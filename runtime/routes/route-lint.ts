// Route lint: problems in http.ts that the router throws on at load time (in its own words, from
// convex/src/server/router.ts) or that only show up later in a browser. The extension shows the findings as diagnostics. It reads
// the `route({...})` calls found by route-source.ts, and the running router's list when there is
// one (routes made by helpers take part as the "other" route of a finding).
import type { RouteInfo } from "../shared/protocol";
import { scanRouteModules, type HandlerSource, type RouteCall, type ScannedModule } from "./route-source";
import { importedNames, literalString, parseModule, propertyNamed, topLevelValues, walk, type AstNode, type ReadFile } from "./source-ast";

/** A route of the running router, as the lint compares it with the declared ones. */
type RuntimeRoute = Pick<RouteInfo, "method" | "path" | "kind">;

/** 0-based, end exclusive, like a vscode.Range. */
export interface LintRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface LintRelated {
  file: string;
  range: LintRange;
  message: string;
}

export type LintCode =
  | "method-not-allowed"
  | "path-and-prefix"
  | "no-path"
  | "path-leading-slash"
  | "prefix-trailing-slash"
  | "reserved-path"
  | "duplicate-route"
  | "prefix-covers-prefix"
  | "literal-wildcard"
  | "missing-options-route";

export interface LintFinding {
  code: LintCode;
  severity: "error" | "warning" | "information";
  message: string;
  file: string;
  range: LintRange;
  related: LintRelated[];
}

/** convex/src/server/router.ts ROUTABLE_HTTP_METHODS: compared as written, so "get" is refused. */
export const ROUTABLE_METHODS = ["GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"];
const CORS_HEADER = "access-control-allow-origin";

/** One route call with its literal values (null when not a literal) and where they are written. */
interface Declared {
  call: RouteCall;
  method: string | null;
  methodNode: AstNode | undefined;
  path: string | null;
  pathNode: AstNode | undefined;
  prefix: string | null;
  prefixNode: AstNode | undefined;
}

/** Parses http.ts (and what it imports) and lints it. */
export function lintHttpFile(entryFile: string, read: ReadFile, runtimeRoutes: RuntimeRoute[] | null): LintFinding[] {
  return lintRoutes(scanRouteModules(entryFile, read).modules, read, runtimeRoutes);
}

export function lintRoutes(modules: ScannedModule[], read: ReadFile, runtimeRoutes: RuntimeRoute[] | null): LintFinding[] {
  const findings: LintFinding[] = [];
  const declared: Declared[] = modules.flatMap((module) =>
    module.calls.map((call) => {
      const methodNode = propertyNamed(call.spec, "method");
      const pathNode = propertyNamed(call.spec, "path");
      const prefixNode = propertyNamed(call.spec, "pathPrefix");
      return {
        call,
        method: literalString(methodNode),
        methodNode,
        path: literalString(pathNode),
        pathNode,
        prefix: literalString(prefixNode),
        prefixNode,
      };
    }),
  );
  for (const route of declared) findings.push(...shapeFindings(route));
  findings.push(...duplicateFindings(declared));
  findings.push(...prefixCoverFindings(declared, runtimeRoutes));
  findings.push(...corsFindings(declared, runtimeRoutes, read));
  return findings.sort((a, b) =>
    a.file === b.file ? a.range.line - b.range.line || a.range.column - b.range.column : a.file < b.file ? -1 : 1,
  );
}

function rangeOf(node: AstNode | undefined, call: RouteCall): LintRange {
  const loc = node?.loc;
  if (!loc) return { line: call.line, column: call.column, endLine: call.line, endColumn: call.column + "route".length };
  return { line: loc.start.line - 1, column: loc.start.column, endLine: loc.end.line - 1, endColumn: loc.end.column };
}

function finding(
  route: Declared,
  node: AstNode | undefined,
  code: LintCode,
  severity: LintFinding["severity"],
  message: string,
  related: LintRelated[] = [],
): LintFinding {
  return { code, severity, message, file: route.call.file, range: rangeOf(node, route.call), related };
}

/** The router's own checks of one call (route() throws on each, so http.ts fails to load). */
function shapeFindings(route: Declared): LintFinding[] {
  const out: LintFinding[] = [];
  const { method, path, prefix } = route;
  if (method !== null && !ROUTABLE_METHODS.includes(method)) {
    const hint = ROUTABLE_METHODS.includes(method.toUpperCase())
      ? ` Write "${method.toUpperCase()}": the router compares methods as written.`
      : method.toUpperCase() === "HEAD"
        ? " HEAD requests run the GET route."
        : "";
    out.push(
      finding(
        route,
        route.methodNode,
        "method-not-allowed",
        "error",
        `'${method}' is not an allowed HTTP method (like GET, POST, PUT etc.)${hint}`,
      ),
    );
  }
  const hasSpread = (route.call.spec.properties as AstNode[]).some((p) => p.type === "SpreadElement");
  if (route.pathNode && route.prefixNode) {
    out.push(
      finding(route, route.prefixNode, "path-and-prefix", "error", "Invalid httpRouter route: cannot contain both 'path' and 'pathPrefix'"),
    );
    return out;
  }
  if (!route.pathNode && !route.prefixNode && !hasSpread) {
    out.push(
      finding(
        route,
        route.call.spec,
        "no-path",
        "error",
        "Invalid httpRouter route entry: must contain either field 'path' or 'pathPrefix'",
      ),
    );
    return out;
  }
  if (path !== null) {
    if (!path.startsWith("/"))
      out.push(finding(route, route.pathNode, "path-leading-slash", "error", `path '${path}' does not start with a /`));
    if (path.startsWith("/.files/") || path === "/.files")
      out.push(finding(route, route.pathNode, "reserved-path", "error", `path '${path}' is reserved`));
    if (path.includes("*")) {
      const cut = path.slice(0, path.indexOf("*"));
      const suggestion = cut.slice(0, cut.lastIndexOf("/") + 1) || "/";
      out.push(
        finding(
          route,
          route.pathNode,
          "literal-wildcard",
          "warning",
          `path '${path}' is matched literally: the router has no wildcards. To match every path under ${suggestion}, use pathPrefix: "${suggestion}".`,
        ),
      );
    }
  }
  if (prefix !== null) {
    if (!prefix.startsWith("/"))
      out.push(finding(route, route.prefixNode, "path-leading-slash", "error", `pathPrefix '${prefix}' does not start with a /`));
    if (!prefix.endsWith("/")) {
      out.push(
        finding(
          route,
          route.prefixNode,
          "prefix-trailing-slash",
          "error",
          `pathPrefix ${prefix} must end with a /. As written it would also match '${prefix}-anything'; write "${prefix}/".`,
        ),
      );
    }
    if (prefix.startsWith("/.files/"))
      out.push(finding(route, route.prefixNode, "reserved-path", "error", `pathPrefix '${prefix}' is reserved`));
  }
  return out;
}

function isValidPrefix(prefix: string): boolean {
  return prefix.startsWith("/") && prefix.endsWith("/") && !prefix.startsWith("/.files/");
}

function locationOf(route: Declared, node: AstNode | undefined, message: string): LintRelated {
  return { file: route.call.file, range: rangeOf(node, route.call), message };
}

/** A second route for the same method and path (or pathPrefix): the router throws on it. */
function duplicateFindings(declared: Declared[]): LintFinding[] {
  const out: LintFinding[] = [];
  const first = new Map<string, Declared>();
  for (const route of declared) {
    if (route.method === null || (route.path === null) === (route.prefix === null)) continue;
    const key = route.path !== null ? `exact ${route.method} ${route.path}` : `prefix ${route.method} ${route.prefix}`;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, route);
      continue;
    }
    const node = route.path !== null ? route.pathNode : route.prefixNode;
    const message =
      route.path !== null
        ? `Path '${route.path}' for method ${route.method} already in use`
        : `${route.method} pathPrefix ${route.prefix} is already defined`;
    const earlierNode = earlier.path !== null ? earlier.pathNode : earlier.prefixNode;
    out.push(finding(route, node, "duplicate-route", "error", message, [locationOf(earlier, earlierNode, "first declared here")]));
  }
  return out;
}

interface PrefixRoute {
  method: string;
  prefix: string;
  declared: Declared | null;
}

/**
 * A pathPrefix inside another one for the same method: the longest prefix wins, so the shorter one
 * never sees the longer one's paths. Usually meant; noted on both (information).
 */
function prefixCoverFindings(declared: Declared[], runtimeRoutes: RuntimeRoute[] | null): LintFinding[] {
  const prefixes: PrefixRoute[] = [];
  const seen = new Set<string>();
  for (const route of declared) {
    if (route.method === null || route.prefix === null || route.path !== null || !isValidPrefix(route.prefix)) continue;
    const key = `${route.method} ${route.prefix}`;
    if (seen.has(key)) continue;
    seen.add(key);
    prefixes.push({ method: route.method, prefix: route.prefix, declared: route });
  }
  for (const route of runtimeRoutes ?? []) {
    if (route.kind !== "prefix") continue;
    const prefix = route.path.replace(/\*$/, "");
    const key = `${route.method} ${prefix}`;
    if (seen.has(key)) continue;
    seen.add(key);
    prefixes.push({ method: route.method, prefix, declared: null });
  }
  const out: LintFinding[] = [];
  const name = (p: PrefixRoute) => `${p.method} pathPrefix ${p.prefix}${p.declared ? "" : " (made by a helper)"}`;
  for (const outer of prefixes) {
    for (const inner of prefixes) {
      if (outer === inner || outer.method !== inner.method || !inner.prefix.startsWith(outer.prefix)) continue;
      if (outer.declared) {
        out.push(
          finding(
            outer.declared,
            outer.declared.prefixNode,
            "prefix-covers-prefix",
            "information",
            `pathPrefix ${outer.prefix} also covers ${inner.prefix}, but requests under ${inner.prefix} go to ${name(inner)}: the longest prefix wins.`,
            inner.declared ? [locationOf(inner.declared, inner.declared.prefixNode, `${name(inner)} is declared here`)] : [],
          ),
        );
      }
      if (inner.declared) {
        out.push(
          finding(
            inner.declared,
            inner.declared.prefixNode,
            "prefix-covers-prefix",
            "information",
            `pathPrefix ${inner.prefix} is inside ${name(outer)}; this route takes the requests under ${inner.prefix} (the longest prefix wins).`,
            outer.declared ? [locationOf(outer.declared, outer.declared.prefixNode, `${name(outer)} is declared here`)] : [],
          ),
        );
      }
    }
  }
  return out;
}

/** Whether an OPTIONS route (declared or running) answers a preflight for `path` / `prefix`. */
function hasOptionsRoute(declared: Declared[], runtimeRoutes: RuntimeRoute[] | null, route: Declared): boolean {
  const options: Array<{ exact: string } | { prefix: string }> = [];
  for (const other of declared) {
    if (other.method !== "OPTIONS") continue;
    if (other.path !== null) options.push({ exact: other.path });
    else if (other.prefix !== null) options.push({ prefix: other.prefix });
  }
  for (const other of runtimeRoutes ?? []) {
    if (other.method !== "OPTIONS") continue;
    options.push(other.kind === "exact" ? { exact: other.path } : { prefix: other.path.replace(/\*$/, "") });
  }
  return options.some((option) => {
    if ("exact" in option) return route.path !== null && option.exact === route.path;
    if (route.path !== null) return route.path.startsWith(option.prefix);
    return route.prefix?.startsWith(option.prefix);
  });
}

/**
 * A handler that sets Access-Control-Allow-Origin is meant for browsers on another origin; those
 * send an OPTIONS preflight first (for any method but simple GET/HEAD/POST requests), and without an
 * OPTIONS route Convex answers it 404, so the browser blocks the request.
 */
function corsFindings(declared: Declared[], runtimeRoutes: RuntimeRoute[] | null, read: ReadFile): LintFinding[] {
  const out: LintFinding[] = [];
  const search = new HeaderSearch(read);
  for (const route of declared) {
    if (route.method === null || route.method === "OPTIONS" || !route.call.handler) continue;
    if ((route.path === null) === (route.prefix === null)) continue;
    const where = search.find(route.call.handler);
    if (!where || hasOptionsRoute(declared, runtimeRoutes, route)) continue;
    const shown = route.path ?? route.prefix!;
    const spec = route.path !== null ? `path: "${route.path}"` : `pathPrefix: "${route.prefix}"`;
    const simple = route.method === "GET";
    const message = simple
      ? `GET ${shown} sets Access-Control-Allow-Origin but no OPTIONS route matches ${shown}. Fine for simple GET requests; a request with an Authorization or a JSON Content-Type header is preflighted, gets 404 from Convex, and the browser blocks it.`
      : `${route.method} ${shown} sets Access-Control-Allow-Origin but no OPTIONS route matches ${shown}: a browser's preflight gets 404 (No matching routes found) and the request is blocked. Add http.route({ ${spec}, method: "OPTIONS", handler: … }) answering with Access-Control-Allow-Methods and -Headers.`;
    out.push(
      finding(
        route,
        route.path !== null ? route.pathNode : route.prefixNode,
        "missing-options-route",
        simple ? "information" : "warning",
        message,
        [{ file: where.file, range: where.range, message: "Access-Control-Allow-Origin is set here" }],
      ),
    );
  }
  return out;
}

/**
 * Finds "Access-Control-Allow-Origin" written in a handler, or in the top-level values and functions
 * it names (a shared `corsHeaders` object, say), in its module or the modules it imports them from.
 */
class HeaderSearch {
  readonly #asts = new Map<string, AstNode | null>();
  /** Each module's top-level names and imports, worked out once per lint: a handler names dozens
   *  of identifiers, and resolving a module's imports reads the disk (it took most of the lint). */
  readonly #scopes = new Map<AstNode, { local: Map<string, AstNode>; imported: Map<string, { file: string; name: string }> }>();

  constructor(private readonly read: ReadFile) {}

  find(handler: HandlerSource): { file: string; range: LintRange } | null {
    this.#asts.set(handler.file, handler.ast);
    const queue: Array<{ node: AstNode; file: string; ast: AstNode }> = [handler];
    const visited = new Set<AstNode>();
    while (queue.length > 0 && visited.size < 200) {
      const item = queue.shift()!;
      if (visited.has(item.node)) continue;
      visited.add(item.node);
      let hit: AstNode | null = null;
      const names = new Set<string>();
      walk(item.node, (node) => {
        if (hit) return;
        const text =
          node.type === "StringLiteral"
            ? (node.value as string)
            : node.type === "TemplateElement"
              ? (node.value?.cooked as string | undefined)
              : undefined;
        if (typeof text === "string" && text.toLowerCase().includes(CORS_HEADER)) hit = node;
        else if (node.type === "Identifier") names.add(node.name as string);
      });
      if (hit) {
        const loc = (hit as AstNode).loc!;
        return {
          file: item.file,
          range: { line: loc.start.line - 1, column: loc.start.column, endLine: loc.end.line - 1, endColumn: loc.end.column },
        };
      }
      for (const name of names) queue.push(...this.#resolve(name, item.file, item.ast));
    }
    return null;
  }

  #resolve(name: string, file: string, ast: AstNode): Array<{ node: AstNode; file: string; ast: AstNode }> {
    const scope = this.#scope(file, ast);
    const local = scope.local.get(name);
    if (local) return [{ node: local, file, ast }];
    const imported = scope.imported.get(name);
    if (!imported) return [];
    const other = this.#load(imported.file);
    const value = other && this.#scope(imported.file, other).local.get(imported.name);
    return other && value ? [{ node: value, file: imported.file, ast: other }] : [];
  }

  #scope(file: string, ast: AstNode) {
    let scope = this.#scopes.get(ast);
    if (!scope) {
      // A value wins over a function of the same name (the later entries of the map).
      scope = { local: new Map([...topLevelFunctions(ast), ...topLevelValues(ast)]), imported: importedNames(ast, file, this.read) };
      this.#scopes.set(ast, scope);
    }
    return scope;
  }

  #load(file: string): AstNode | null {
    if (!this.#asts.has(file)) {
      const text = this.read(file);
      this.#asts.set(file, text === null ? null : parseModule(file, text).ast);
    }
    return this.#asts.get(file) ?? null;
  }
}

/** `function name() {}` and `export function name() {}` at the top of a module. */
function topLevelFunctions(ast: AstNode): Map<string, AstNode> {
  const functions = new Map<string, AstNode>();
  for (const statement of ast.program.body as AstNode[]) {
    const declaration = statement.type === "ExportNamedDeclaration" ? (statement.declaration as AstNode | null) : statement;
    if (declaration?.type === "FunctionDeclaration" && declaration.id) functions.set(declaration.id.name as string, declaration);
  }
  return functions;
}

// Finds where routes are declared: every `<router>.route({ method, path | pathPrefix, handler })`
// call with literal values, in convex/http.ts and in the modules it imports routes from. Pure
// (no vscode): it takes a file reader so tests and the extension share it. The route list itself
// comes from the real router; this only supplies positions and request hints (handler-reads.ts).
import { requestReads, type ModuleAccess, type RequestReads } from "./handler-reads";
import {
  importedNames,
  literalString,
  parseModule,
  propertyNamed,
  resolveImport,
  topLevelValues,
  walk,
  type AstNode,
  type ReadFile,
  type SourceProblem,
} from "./source-ast";

export type { ReadFile, SourceProblem } from "./source-ast";

export type { BodyRead, ParamRead, RequestReads } from "./handler-reads";
export { paramPlaceholder, queryTemplate } from "./handler-reads";

type Node = AstNode;

export interface SourceRoute {
  method: string;
  /** "/postMessage", or "/messages/*" for a pathPrefix route (the router's own spelling). */
  path: string;
  kind: "exact" | "prefix";
  file: string;
  /** 0-based position of the `route` property name of the call. */
  line: number;
  column: number;
  /** Fields the handler destructures from `await request.json()`, when it does. */
  jsonFields: string[] | null;
  /** The query parameters, headers and body the handler reads (for request templates); absent when unknown. */
  reads?: RequestReads | null;
}

export interface RouteSourceResult {
  routes: SourceRoute[];
  problems: SourceProblem[];
}

/** `const { author, body } = await request.json()` anywhere in the handler → ["author", "body"]. */
function jsonFieldsOf(handler: Node | undefined): string[] | null {
  if (!handler) return null;
  let fields: string[] | null = null;
  walk(handler, (node) => {
    if (fields || node.type !== "VariableDeclarator" || node.id.type !== "ObjectPattern") return;
    let init = node.init as Node | null;
    if (init?.type === "AwaitExpression") init = init.argument as Node;
    if (init?.type === "TSAsExpression") init = init.expression as Node;
    if (init?.type === "AwaitExpression") init = init.argument as Node;
    const callee = init?.type === "CallExpression" ? (init.callee as Node) : null;
    if (callee?.type !== "MemberExpression" || callee.property.type !== "Identifier" || callee.property.name !== "json") return;
    fields = (node.id.properties as Node[])
      .filter((p) => p.type === "ObjectProperty")
      .map((p) => (p.key.type === "Identifier" ? (p.key.name as string) : literalString(p.key)))
      .filter((name): name is string => name !== null);
  });
  return fields;
}

/** A handler as found: the expression and the module it is written in (for names it uses). */
export interface HandlerSource {
  node: AstNode;
  file: string;
  ast: AstNode;
}

/** A `<router>.route({...})` call whose argument is an object literal, whatever its values. */
export interface RouteCall {
  file: string;
  /** The object literal passed to `route`. */
  spec: AstNode;
  /** 0-based position of the `route` property name of the call. */
  line: number;
  column: number;
  handler: HandlerSource | null;
}

export interface ScannedModule {
  file: string;
  /** Null when the file is missing or does not parse at all. */
  ast: AstNode | null;
  exists: boolean;
  calls: RouteCall[];
}

/**
 * Every `route({...})` call of `entryFile` and of the modules it imports (breadth first, the
 * order routes are usually registered in), with handlers passed by name resolved to their value.
 */
export function scanRouteModules(
  entryFile: string,
  read: ReadFile,
): { modules: ScannedModule[]; problems: SourceProblem[]; access: ModuleAccess } {
  const problems: SourceProblem[] = [];
  const modules: ScannedModule[] = [];
  const parsed = new Map<string, Node | null>();
  const load = (file: string): Node | null => {
    if (parsed.has(file)) return parsed.get(file)!;
    const text = read(file);
    if (text === null) {
      parsed.set(file, null);
      return null;
    }
    const { ast, problem } = parseModule(file, text);
    if (problem) problems.push(problem);
    parsed.set(file, ast);
    return ast;
  };
  const resolveHandler = (file: string, ast: Node, handler: Node | undefined): HandlerSource | null => {
    if (!handler) return null;
    if (handler.type !== "Identifier") return { node: handler, file, ast };
    const local = topLevelValues(ast).get(handler.name as string);
    if (local) return { node: local, file, ast };
    const imported = importedNames(ast, file, read).get(handler.name as string);
    if (!imported) return null;
    const otherAst = load(imported.file);
    const value = otherAst ? topLevelValues(otherAst).get(imported.name) : undefined;
    return value && otherAst ? { node: value, file: imported.file, ast: otherAst } : null;
  };

  const queue = [entryFile];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const ast = load(file);
    const module: ScannedModule = { file, ast, exists: ast !== null || read(file) !== null, calls: [] };
    modules.push(module);
    if (!ast) continue;
    walk(ast, (node) => {
      if (node.type !== "CallExpression") return;
      const callee = node.callee as Node;
      if (callee.type !== "MemberExpression" || callee.property.type !== "Identifier" || callee.property.name !== "route") return;
      const spec = node.arguments[0] as Node | undefined;
      if (spec?.type !== "ObjectExpression") return;
      const at = callee.property.loc!.start;
      module.calls.push({
        file,
        spec,
        line: at.line - 1,
        column: at.column,
        handler: resolveHandler(file, ast, propertyNamed(spec, "handler")),
      });
    });
    // Routes can be declared in helpers that http.ts imports (a router built elsewhere, a loop).
    for (const statement of ast.program.body as Node[]) {
      if (statement.type === "ImportDeclaration" && statement.importKind !== "type") {
        const target = resolveImport(file, statement.source.value as string, read);
        if (target && !target.includes("_generated")) queue.push(target);
      }
    }
  }
  // Later loads (the modules handlers call into) are for request hints only: their parse
  // problems are not the routes' problems.
  const access: ModuleAccess = {
    read,
    load: (file) => {
      if (parsed.has(file)) return parsed.get(file)!;
      const text = read(file);
      const ast = text === null ? null : parseModule(file, text).ast;
      parsed.set(file, ast);
      return ast;
    },
  };
  return { modules, problems, access };
}

/**
 * `previous` is the last result: a file that no longer parses keeps the routes it had, so the
 * lenses stay put while the user is mid-edit (the runtime also keeps serving the last good build).
 */
export function findRouteSources(entryFile: string, read: ReadFile, previous?: RouteSourceResult): RouteSourceResult {
  const routes: SourceRoute[] = [];
  const { modules, problems, access } = scanRouteModules(entryFile, read);
  for (const module of modules) {
    if (!module.ast) {
      if (previous && module.exists) routes.push(...previous.routes.filter((route) => route.file === module.file));
      continue;
    }
    for (const call of module.calls) {
      const method = literalString(propertyNamed(call.spec, "method"));
      const path = literalString(propertyNamed(call.spec, "path"));
      const prefix = literalString(propertyNamed(call.spec, "pathPrefix"));
      if (!method || (path === null) === (prefix === null)) continue;
      routes.push({
        method: method.toUpperCase(),
        path: path ?? `${prefix}*`,
        kind: path !== null ? "exact" : "prefix",
        file: call.file,
        line: call.line,
        column: call.column,
        jsonFields: jsonFieldsOf(call.handler?.node),
        reads: call.handler ? requestReads(call.handler.node, call.handler.file, call.handler.ast, access) : null,
      });
    }
  }
  return { routes, problems };
}

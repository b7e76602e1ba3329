// Finds where routes are declared: every `<router>.route({ method, path | pathPrefix, handler })`
// call with literal values, in convex/http.ts and in the modules it imports routes from. Pure
// (no vscode): it takes a file reader so tests and the extension share it. The route list itself
// comes from the real router; this only supplies positions and request body hints.
import { parse } from "@babel/parser";
import { dirname, resolve } from "node:path";

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
}

export interface SourceProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface RouteSourceResult {
  routes: SourceRoute[];
  problems: SourceProblem[];
}

export type ReadFile = (path: string) => string | null;

/** A Babel AST node (plain objects; fields read as needed). */
export type AstNode = { type: string; loc?: { start: { line: number; column: number }; end: { line: number; column: number } } } & Record<
  string,
  // biome-ignore lint/suspicious/noExplicitAny: the walk reads whatever fields a node type has; each read checks `type` first.
  any
>;
type Node = AstNode;

const EXTENSIONS = ["", ".ts", ".tsx", ".js", ".mjs", ".jsx", "/index.ts", "/index.js"];

export function resolveImport(fromFile: string, specifier: string, read: ReadFile): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = resolve(dirname(fromFile), specifier.replace(/\.js$/, ""));
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    if (read(candidate) !== null) return candidate;
  }
  return null;
}

export function parseModule(file: string, text: string): { ast: Node | null; problem: SourceProblem | null } {
  try {
    const ast = parse(text, {
      sourceType: "module",
      plugins: ["typescript", "jsx"],
      errorRecovery: true,
    }) as unknown as Node & { errors?: Array<{ message: string; loc?: { line: number; column: number } }> };
    const first = ast.errors?.[0];
    const problem = first ? { file, line: (first.loc?.line ?? 1) - 1, column: first.loc?.column ?? 0, message: first.message } : null;
    return { ast, problem };
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    return { ast: null, problem: { file, line: (loc?.line ?? 1) - 1, column: loc?.column ?? 0, message: (error as Error).message } };
  }
}

export function literalString(node: Node | undefined): string | null {
  if (!node) return null;
  if (node.type === "StringLiteral") return node.value as string;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) return node.quasis[0].value.cooked as string;
  return null;
}

export function propertyNamed(object: Node, name: string): Node | undefined {
  for (const property of object.properties as Node[]) {
    if (property.type !== "ObjectProperty") continue;
    const key = property.key as Node;
    const keyName = key.type === "Identifier" ? key.name : literalString(key);
    if (keyName === name) return property.value as Node;
  }
  return undefined;
}

/** Depth-first walk over every node (Babel ASTs are plain objects). */
export function walk(node: unknown, visit: (node: Node) => void): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  const current = node as Node;
  if (typeof current.type === "string") visit(current);
  for (const key of Object.keys(current)) {
    if (key === "loc" || key === "start" || key === "end" || key === "extra" || key === "leadingComments" || key === "trailingComments")
      continue;
    walk(current[key], visit);
  }
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

/** Top-level `const name = <expr>` declarations and `export const`, for handlers passed by name. */
export function topLevelValues(ast: Node): Map<string, Node> {
  const values = new Map<string, Node>();
  for (const statement of ast.program.body as Node[]) {
    const declaration = statement.type === "ExportNamedDeclaration" ? (statement.declaration as Node | null) : statement;
    if (declaration?.type !== "VariableDeclaration") continue;
    for (const declarator of declaration.declarations as Node[]) {
      if (declarator.id.type === "Identifier" && declarator.init) values.set(declarator.id.name as string, declarator.init as Node);
    }
  }
  return values;
}

/** `import { a as b } from "./x"` → local name → { file, exported name }. */
export function importedNames(ast: Node, file: string, read: ReadFile): Map<string, { file: string; name: string }> {
  const names = new Map<string, { file: string; name: string }>();
  for (const statement of ast.program.body as Node[]) {
    if (statement.type !== "ImportDeclaration") continue;
    const target = resolveImport(file, statement.source.value as string, read);
    if (!target) continue;
    for (const specifier of statement.specifiers as Node[]) {
      if (specifier.type === "ImportSpecifier") {
        const imported = specifier.imported.type === "Identifier" ? specifier.imported.name : specifier.imported.value;
        names.set(specifier.local.name as string, { file: target, name: imported as string });
      }
    }
  }
  return names;
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
export function scanRouteModules(entryFile: string, read: ReadFile): { modules: ScannedModule[]; problems: SourceProblem[] } {
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
  return { modules, problems };
}

/**
 * `previous` is the last result: a file that no longer parses keeps the routes it had, so the
 * lenses stay put while the user is mid-edit (the runtime also keeps serving the last good build).
 */
export function findRouteSources(entryFile: string, read: ReadFile, previous?: RouteSourceResult): RouteSourceResult {
  const routes: SourceRoute[] = [];
  const { modules, problems } = scanRouteModules(entryFile, read);
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
      });
    }
  }
  return { routes, problems };
}

// Reading the source of Convex modules: parse with Babel, walk the tree, resolve relative imports
// and module-level names. Pure: it takes a file reader so the tests and the extension share it.
import { parse } from "@babel/parser";
import { dirname, resolve } from "node:path";

export interface SourceProblem {
  file: string;
  line: number;
  column: number;
  message: string;
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

type Parsed = { ast: Node | null; problem: SourceProblem | null };

/** The last parse of each file. The extension reads http.ts for the lenses and again for the lint
 *  on every edit, save and reload, mostly unchanged: a parse of the example's http.ts costs
 *  10–100 ms of the extension host's thread. Nothing changes a parsed tree. */
const lastParses = new Map<string, { text: string; parsed: Parsed }>();
const KEPT_PARSES = 50;

export function parseModule(file: string, text: string): Parsed {
  const last = lastParses.get(file);
  if (last?.text === text) return last.parsed;
  const parsed = parseText(file, text);
  lastParses.delete(file);
  lastParses.set(file, { text, parsed });
  if (lastParses.size > KEPT_PARSES) lastParses.delete(lastParses.keys().next().value!);
  return parsed;
}

function parseText(file: string, text: string): Parsed {
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

// What an HTTP action's handler reads from its request, found by reading its source: query
// parameters (`url.searchParams.get("x")`, `getAll`), headers (`request.headers.get("x")`), and
// how it reads the body (`request.json()`, `formData()` with the fields it gets, `text()`,
// `blob()`/`arrayBuffer()`). It follows aliases (`const { searchParams } = new URL(request.url)`)
// and calls into the module's own functions and the ones it imports, with the names they are
// passed (`param(url, "author")`). A guess from the text, for request templates only: what the
// code computes at run time (a name built from strings, a loop) is not seen.
import { importedNames, literalString, walk, type AstNode, type ReadFile } from "./source-ast";

export interface ParamRead {
  /** As the code spells it. */
  name: string;
  /** Read with `getAll`. */
  multiple: boolean;
  /**
   * A value the code would accept, when its use tells: the string it is compared with, "1" when
   * it is turned into a number. Null when nothing tells.
   */
  example: string | null;
}

export type BodyRead =
  | { kind: "json" }
  | { kind: "form"; fields: ParamRead[] }
  /** `json`: the text is handed to JSON.parse (a webhook verifying the raw body first, say). */
  | { kind: "text"; json: boolean }
  | { kind: "binary" };

export interface RequestReads {
  query: ParamRead[];
  headers: ParamRead[];
  /** The first way the handler reads the body; null when it does not. */
  body: BodyRead | null;
}

/** A value for a parameter the handler reads: what its code compares it with or parses, else its own name (never empty, so `if (!x)` passes). */
export function paramPlaceholder(read: ParamRead): string {
  return read.example ?? read.name;
}

/** The query string (no `?`, URL-encoded) that fills every query parameter the handler reads. */
export function queryTemplate(reads: RequestReads | null | undefined): string {
  return new URLSearchParams((reads?.query ?? []).map((read) => [read.name, paramPlaceholder(read)])).toString();
}

/** What an identifier holds, as far as the reads are concerned. */
type Binding =
  | { kind: "request" }
  | { kind: "searchParams" }
  | { kind: "headers" }
  | { kind: "form" }
  | { kind: "text" }
  | { kind: "literal"; value: string }
  /** A value read from the request: its use may tell an example. */
  | { kind: "value"; read: ParamRead };

type Env = Map<string, Binding>;

/** Module-level definitions of a file, and a way to reach the modules it imports. */
export interface ModuleAccess {
  read: ReadFile;
  load(file: string): AstNode | null;
}

const HELPER_DEPTH = 4;
const NUMBER_FUNCTIONS = new Set(["Number", "parseInt", "parseFloat", "BigInt"]);
const BODY_METHODS: Record<string, BodyRead["kind"] | "text"> = {
  json: "json",
  formData: "form",
  text: "text",
  blob: "binary",
  arrayBuffer: "binary",
  bytes: "binary",
};

const isFunction = (node: AstNode | null | undefined): boolean =>
  !!node && (node.type === "ArrowFunctionExpression" || node.type === "FunctionExpression" || node.type === "FunctionDeclaration");

/** Through `await`, `as`, `!`, `satisfies` and parentheses. */
function unwrap(node: AstNode | null | undefined): AstNode | null {
  let current = node ?? null;
  while (
    current &&
    (current.type === "AwaitExpression" ||
      current.type === "TSAsExpression" ||
      current.type === "TSNonNullExpression" ||
      current.type === "TSSatisfiesExpression" ||
      current.type === "ParenthesizedExpression" ||
      current.type === "TSTypeAssertion")
  ) {
    current = (current.type === "AwaitExpression" ? current.argument : current.expression) as AstNode;
  }
  return current;
}

function memberName(node: AstNode): string | null {
  if (node.type !== "MemberExpression" && node.type !== "OptionalMemberExpression") return null;
  if (!node.computed && node.property.type === "Identifier") return node.property.name as string;
  return node.computed ? literalString(node.property as AstNode) : null;
}

/** `x.method(…)` → ["method", x]. */
function methodCall(node: AstNode): { method: string; object: AstNode } | null {
  if (node.type !== "CallExpression" && node.type !== "OptionalCallExpression") return null;
  const callee = node.callee as AstNode;
  const method = memberName(callee);
  return method ? { method, object: callee.object as AstNode } : null;
}

/** A function defined at a module's top level, exported or not. */
function topLevelFunction(ast: AstNode, name: string): AstNode | null {
  for (const statement of ast.program.body as AstNode[]) {
    const declaration = statement.type === "ExportNamedDeclaration" ? (statement.declaration as AstNode | null) : statement;
    if (!declaration) continue;
    if (declaration.type === "FunctionDeclaration" && declaration.id?.name === name) return declaration;
    if (declaration.type === "VariableDeclaration") {
      for (const declarator of declaration.declarations as AstNode[]) {
        if (declarator.id.type === "Identifier" && declarator.id.name === name) {
          const init = unwrap(declarator.init as AstNode | null);
          return isFunction(init) ? init : null;
        }
      }
    }
  }
  return null;
}

/** Top-level `const NAME = "literal"`. */
function topLevelLiteral(ast: AstNode, name: string): string | null {
  for (const statement of ast.program.body as AstNode[]) {
    const declaration = statement.type === "ExportNamedDeclaration" ? (statement.declaration as AstNode | null) : statement;
    if (declaration?.type !== "VariableDeclaration" || declaration.kind !== "const") continue;
    for (const declarator of declaration.declarations as AstNode[]) {
      if (declarator.id.type === "Identifier" && declarator.id.name === name) return literalString(declarator.init as AstNode);
    }
  }
  return null;
}

/** The function a handler expression stands for: `httpAction(fn)`, or `fn` itself. */
export function handlerFunction(node: AstNode | null | undefined): AstNode | null {
  const current = unwrap(node);
  if (isFunction(current)) return current;
  if (current?.type === "CallExpression") return (current.arguments as AstNode[]).map(unwrap).find((arg) => isFunction(arg)) ?? null;
  return null;
}

class ReadsCollector {
  readonly query = new Map<string, ParamRead>();
  readonly headers = new Map<string, ParamRead>();
  readonly formFields = new Map<string, ParamRead>();
  body: BodyRead["kind"] | null = null;
  textIsJson = false;
  /** Helper functions already followed, with the bindings of their parameters. */
  readonly #followed = new Set<string>();

  constructor(private readonly modules: ModuleAccess) {}

  reads(): RequestReads {
    let body: BodyRead | null = null;
    if (this.body === "form") body = { kind: "form", fields: [...this.formFields.values()] };
    else if (this.body === "text") body = { kind: "text", json: this.textIsJson };
    else if (this.body) body = { kind: this.body };
    return { query: [...this.query.values()], headers: [...this.headers.values()], body };
  }

  /** Reads of `fn` (defined in `file`), whose parameters hold `params`. */
  visitFunction(fn: AstNode, file: string, ast: AstNode, params: Array<Binding | null>, depth: number): void {
    const env: Env = new Map();
    (fn.params as AstNode[]).forEach((param, index) => {
      const binding = params[index];
      const target = param.type === "AssignmentPattern" ? (param.left as AstNode) : param;
      if (binding && target.type === "Identifier") env.set(target.name as string, binding);
    });
    // In source order: an alias is declared before the code that uses it.
    walk(fn.body, (node) => {
      this.#declare(node, env, file, ast);
      this.#read(node, env, file, ast, depth);
    });
  }

  #classify(node: AstNode | null | undefined, env: Env, file: string, ast: AstNode): Binding | null {
    const current = unwrap(node);
    if (!current) return null;
    switch (current.type) {
      case "Identifier":
        return env.get(current.name as string) ?? this.#moduleLiteral(current.name as string, ast);
      case "StringLiteral":
      case "TemplateLiteral": {
        const value = literalString(current);
        return value === null ? null : { kind: "literal", value };
      }
      case "LogicalExpression":
        return this.#classify(current.left as AstNode, env, file, ast);
      case "MemberExpression":
      case "OptionalMemberExpression": {
        const name = memberName(current);
        if (name === "searchParams") return { kind: "searchParams" };
        if (name === "headers" && this.#classify(current.object as AstNode, env, file, ast)?.kind === "request") return { kind: "headers" };
        return null;
      }
      case "NewExpression": {
        const callee = current.callee as AstNode;
        const from = unwrap((current.arguments as AstNode[])[0]);
        if (callee.type === "Identifier" && callee.name === "URLSearchParams" && from && memberName(from) === "search")
          return { kind: "searchParams" };
        return null;
      }
      case "CallExpression":
      case "OptionalCallExpression": {
        const call = methodCall(current);
        if (!call) return null;
        const object = this.#classify(call.object, env, file, ast);
        if (object?.kind === "request") {
          const body = BODY_METHODS[call.method];
          return body === "form" ? { kind: "form" } : body === "text" ? { kind: "text" } : null;
        }
        const read = this.#paramRead(call.method, object, (current.arguments as AstNode[])[0], env, file, ast);
        return read ? { kind: "value", read } : null;
      }
      default:
        return null;
    }
  }

  #moduleLiteral(name: string, ast: AstNode): Binding | null {
    const value = topLevelLiteral(ast, name);
    return value === null ? null : { kind: "literal", value };
  }

  /** `params.get("x")`, `headers.getAll("x")`, `form.get("x")`: records the read and returns it. */
  #paramRead(
    method: string,
    object: Binding | null,
    argument: AstNode | undefined,
    env: Env,
    file: string,
    ast: AstNode,
  ): ParamRead | null {
    if (method !== "get" && method !== "getAll") return null;
    const into =
      object?.kind === "searchParams"
        ? this.query
        : object?.kind === "headers"
          ? this.headers
          : object?.kind === "form"
            ? this.formFields
            : null;
    const name = this.#classify(argument, env, file, ast);
    if (!into || name?.kind !== "literal" || name.value === "") return null;
    const key = object?.kind === "headers" ? name.value.toLowerCase() : name.value;
    const existing = into.get(key);
    if (existing) {
      existing.multiple ||= method === "getAll";
      return existing;
    }
    const read: ParamRead = { name: name.value, multiple: method === "getAll", example: null };
    into.set(key, read);
    return read;
  }

  #declare(node: AstNode, env: Env, file: string, ast: AstNode): void {
    if (node.type !== "VariableDeclarator" || !node.init) return;
    const id = node.id as AstNode;
    if (id.type === "Identifier") {
      const binding = this.#classify(node.init as AstNode, env, file, ast);
      if (binding) env.set(id.name as string, binding);
      return;
    }
    if (id.type !== "ObjectPattern") return;
    // `const { searchParams } = new URL(request.url)`, `const { headers } = request`.
    const source = unwrap(node.init as AstNode);
    const fromRequest = this.#classify(source, env, file, ast)?.kind === "request";
    for (const property of id.properties as AstNode[]) {
      if (property.type !== "ObjectProperty") continue;
      const key = property.key.type === "Identifier" ? (property.key.name as string) : literalString(property.key as AstNode);
      const value = property.value as AstNode;
      if (value.type !== "Identifier") continue;
      if (key === "searchParams") env.set(value.name as string, { kind: "searchParams" });
      else if (key === "headers" && fromRequest) env.set(value.name as string, { kind: "headers" });
    }
  }

  #read(node: AstNode, env: Env, file: string, ast: AstNode, depth: number): void {
    if (node.type === "CallExpression" || node.type === "OptionalCallExpression") {
      const call = methodCall(node);
      if (call) {
        const object = this.#classify(call.object, env, file, ast);
        if (object?.kind === "request" && call.method in BODY_METHODS) this.body ??= BODY_METHODS[call.method] as BodyRead["kind"];
        this.#paramRead(call.method, object, (node.arguments as AstNode[])[0], env, file, ast);
        if (call.method === "parse" && call.object.type === "Identifier" && call.object.name === "JSON") {
          if (this.#classify((node.arguments as AstNode[])[0], env, file, ast)?.kind === "text") this.textIsJson = true;
        }
        if ((call.method === "parseInt" || call.method === "parseFloat") && call.object.type === "Identifier") {
          this.#example((node.arguments as AstNode[])[0], "1", env, file, ast);
        }
      } else {
        const callee = node.callee as AstNode;
        if (callee.type === "Identifier" && NUMBER_FUNCTIONS.has(callee.name as string)) {
          this.#example((node.arguments as AstNode[])[0], "1", env, file, ast);
        } else if (callee.type === "Identifier" && depth < HELPER_DEPTH) {
          this.#followHelper(callee.name as string, node.arguments as AstNode[], env, file, ast, depth);
        }
      }
      return;
    }
    if (node.type === "UnaryExpression" && node.operator === "+") {
      this.#example(node.argument as AstNode, "1", env, file, ast);
      return;
    }
    if (node.type === "BinaryExpression" && ["===", "==", "!==", "!="].includes(node.operator as string)) {
      const left = node.left as AstNode;
      const right = node.right as AstNode;
      const literal = literalString(right) ?? literalString(left);
      if (literal !== null && literal !== "") this.#example(literalString(right) !== null ? left : right, literal, env, file, ast);
      return;
    }
    if (node.type === "SwitchStatement") {
      const first = (node.cases as AstNode[]).map((c) => literalString(c.test as AstNode | undefined)).find((v) => v);
      if (first) this.#example(node.discriminant as AstNode, first, env, file, ast);
    }
  }

  /** The first use that tells a value wins. */
  #example(node: AstNode | undefined, value: string, env: Env, file: string, ast: AstNode): void {
    const binding = this.#classify(node, env, file, ast);
    if (binding?.kind === "value" && binding.read.example === null) binding.read.example = value;
  }

  /** A call of a function of this module or one it imports: read it with what it is passed. */
  #followHelper(name: string, args: AstNode[], env: Env, file: string, ast: AstNode, depth: number): void {
    let target: { fn: AstNode; file: string; ast: AstNode } | null = null;
    const local = topLevelFunction(ast, name);
    if (local) target = { fn: local, file, ast };
    else {
      const imported = importedNames(ast, file, this.modules.read).get(name);
      const otherAst = imported ? this.modules.load(imported.file) : null;
      const fn = otherAst && imported ? topLevelFunction(otherAst, imported.name) : null;
      if (fn && otherAst && imported) target = { fn, file: imported.file, ast: otherAst };
    }
    if (!target) return;
    const params = args.map((arg) => {
      const binding = this.#classify(arg, env, file, ast);
      // A value read from the request stays the caller's; the helper sees only what it can read.
      return binding?.kind === "value" ? null : binding;
    });
    const key = `${target.file}:${target.fn.start}:${JSON.stringify(params)}`;
    if (this.#followed.has(key)) return;
    this.#followed.add(key);
    this.visitFunction(target.fn, target.file, target.ast, params, depth + 1);
  }
}

/** The reads of a route's handler (`handler` as found in `file`); null when it is not a function we can see. */
export function requestReads(handler: AstNode | null | undefined, file: string, ast: AstNode, modules: ModuleAccess): RequestReads | null {
  const fn = handlerFunction(handler);
  if (!fn) return null;
  const collector = new ReadsCollector(modules);
  // httpAction handlers are `(ctx, request)`.
  collector.visitFunction(fn, file, ast, [null, { kind: "request" }], 0);
  return collector.reads();
}

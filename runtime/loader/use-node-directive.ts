// Detects a "use node" directive. Convex decides per file whether code runs in its V8 isolate or in
// Node by this directive (the CLI parses with Babel); a directive can only appear in the prologue,
// before any other statement, so scanning the prologue is enough and needs no parser.

export function hasUseNodeDirective(source: string): boolean {
  if (!source.includes("use node")) return false;
  return prologueDirectives(source).includes("use node");
}

/** The string-literal statements at the top of a module, skipping comments and a hashbang. */
export function prologueDirectives(source: string): string[] {
  const directives: string[] = [];
  let i = source.startsWith("\uFEFF") ? 1 : 0;
  if (source.startsWith("#!", i)) i = lineEnd(source, i);

  for (;;) {
    i = skipTrivia(source, i);
    const quote = source[i];
    if (quote !== '"' && quote !== "'") return directives;
    const close = stringEnd(source, i + 1, quote);
    if (close === -1) return directives;
    const value = source.slice(i + 1, close);
    // A string followed by `.x`, `+ y`, `(…)` is an expression, not a directive; a `;`, the end of
    // the file or a line break (automatic semicolon insertion) ends the directive.
    const after = skipTrivia(source, close + 1);
    const next = source[after];
    const lineBreak = /[\r\n]/.test(source.slice(close + 1, after));
    if (next !== undefined && next !== ";" && !lineBreak) return directives;
    directives.push(value);
    i = next === ";" ? after + 1 : after;
  }
}

function skipTrivia(source: string, start: number): number {
  let i = start;
  while (i < source.length) {
    const c = source[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\uFEFF") {
      i++;
    } else if (source.startsWith("//", i)) {
      i = lineEnd(source, i);
    } else if (source.startsWith("/*", i)) {
      const end = source.indexOf("*/", i + 2);
      if (end === -1) return source.length;
      i = end + 2;
    } else {
      break;
    }
  }
  return i;
}

function lineEnd(source: string, start: number): number {
  const end = source.indexOf("\n", start);
  return end === -1 ? source.length : end;
}

function stringEnd(source: string, start: number, quote: string): number {
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === quote) return i;
    else if (c === "\n") return -1;
  }
  return -1;
}

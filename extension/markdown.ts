// Small helpers for the Markdown reports (CORS doctor, Decode token): values from responses and
// tokens go into tables and inline code without breaking them or being read as markup.

/** A table cell: no line breaks, pipes escaped. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

/** Inline code that survives backticks inside the value. */
export function code(text: string): string {
  const clean = text.replace(/\r?\n/g, " ");
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A fenced block (JSON, a header list) whose fence is longer than any run of backticks inside. */
export function block(text: string, language = ""): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** Plain text in a Markdown paragraph: characters that would start markup are escaped. */
export function text(value: string): string {
  return value.replace(/([\\`*_{}[\]<>#|])/g, "\\$1");
}

export function table(columns: string[], rows: string[][]): string {
  return [`| ${columns.join(" | ")} |`, `| ${columns.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join(
    "\n",
  );
}

// `.http` files as REST Client and httpYac read them: parse and write. Pure (no vscode, no I/O):
// the CLI's `run`, the extension's CodeLens and "Save request" share it.
//
// What is read (everything else is reported as a problem with its line, never guessed):
//   ### optional name            a request separator (three or more `#`); the text is its name
//   # comment / // comment       ignored anywhere in a request, body included (as REST Client does)
//   # @name login                the request's name (wins over the separator's text)
//   @site = http://127.0.0.1:3311  a variable, visible to the requests after it
//   POST {{site}}/path HTTP/1.1  the request line; no method means GET; the version is optional
//   ?a=1 / &b=2                  query lines continuing the URL, right after the request line
//   Name: value                  headers, up to the first blank line
//   …                            the body, up to the next separator (trailing blank lines dropped)
//   ?? status == 200             httpYac assertions, anywhere after the request line
import { parseAssertion, formatAssertion, type Assertion } from "./assertions";

export interface HttpHeader {
  name: string;
  value: string;
}

export interface HttpRequestEntry {
  /** From `# @name x`, else the separator's text, else null. */
  name: string | null;
  method: string;
  /** As written, with its `{{variables}}` and any query continuation lines joined. */
  url: string;
  /** `HTTP/1.1` when the request line names one. */
  httpVersion: string | null;
  headers: HttpHeader[];
  /** Empty when the request has no body. Lines joined with `\n`. */
  body: string;
  assertions: Assertion[];
  /** 0-based line of the request line (where a CodeLens goes). */
  line: number;
  /** 0-based line where the request's block starts (its separator, or 0). */
  startLine: number;
}

export interface VariableDefinition {
  name: string;
  value: string;
  /** 0-based. A variable is visible to the requests whose request line comes after it. */
  line: number;
}

export interface HttpFileProblem {
  /** 0-based. */
  line: number;
  message: string;
}

export interface ParsedHttpFile {
  variables: VariableDefinition[];
  requests: HttpRequestEntry[];
  problems: HttpFileProblem[];
}

export const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE"] as const;

const SEPARATOR = /^#{3,}/;
const COMMENT = /^\s*(?:#|\/\/)/;
const NAME_META = /^\s*(?:#|\/\/)\s*@name(?:\s+|\s*=\s*)(\S+)\s*$/;
const VARIABLE = /^\s*@([A-Za-z_$][\w$.-]*)\s*=\s*(.*?)\s*$/;
const ASSERTION = /^\s*\?\?/;
const QUERY_LINE = /^\s*[?&](?!\?)/;
const REQUEST_LINE = new RegExp(`^\\s*(?:(${METHODS.join("|")})\\s+)?(\\S.*?)(?:\\s+(HTTP\\/\\d(?:\\.\\d)?))?\\s*$`, "i");
const HEADER = /^\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*:\s*(.*?)\s*$/;

type Section = "preamble" | "headers" | "body";

interface Draft {
  /** The separator's text. */
  name: string | null;
  /** From `# @name`. */
  metaName: string | null;
  startLine: number;
  request: HttpRequestEntry | null;
  section: Section;
  bodyLines: string[];
}

export function parseHttpFile(text: string): ParsedHttpFile {
  const lines = text.split(/\r?\n/);
  const variables: VariableDefinition[] = [];
  const requests: HttpRequestEntry[] = [];
  const problems: HttpFileProblem[] = [];
  let draft: Draft = { name: null, metaName: null, startLine: 0, request: null, section: "preamble", bodyLines: [] };

  const finish = () => {
    const request = draft.request;
    if (!request) return;
    while (draft.bodyLines.length > 0 && draft.bodyLines[draft.bodyLines.length - 1]!.trim() === "") draft.bodyLines.pop();
    request.body = draft.bodyLines.join("\n");
    request.name = draft.metaName ?? draft.name;
    requests.push(request);
  };

  lines.forEach((line, index) => {
    if (SEPARATOR.test(line)) {
      finish();
      draft = {
        name: line.replace(SEPARATOR, "").trim() || null,
        metaName: null,
        startLine: index,
        request: null,
        section: "preamble",
        bodyLines: [],
      };
      return;
    }
    const request = draft.request;
    if (ASSERTION.test(line)) {
      if (!request) {
        problems.push({ line: index, message: "An assertion (??) must come after the request line it checks" });
        return;
      }
      const parsed = parseAssertion(line, index);
      if ("problem" in parsed) problems.push({ line: index, message: parsed.problem });
      else request.assertions.push(parsed);
      return;
    }
    if (draft.section === "preamble") {
      if (line.trim() === "") return;
      const meta = NAME_META.exec(line);
      if (meta) {
        draft.metaName = meta[1]!;
        return;
      }
      if (COMMENT.test(line)) return;
      const variable = VARIABLE.exec(line);
      if (variable) {
        variables.push({ name: variable[1]!, value: variable[2]!, line: index });
        return;
      }
      const match = REQUEST_LINE.exec(line);
      const url = match?.[2] ?? "";
      if (!match || (!match[1] && !/^(https?:\/\/|\/|\{\{)/i.test(url))) {
        problems.push({ line: index, message: `Expected a request line like "GET {{site}}/path", got "${line.trim()}"` });
        // Skip the rest of this block rather than reading its headers as more request lines.
        draft.section = "body";
        return;
      }
      draft.request = {
        name: null,
        method: (match[1] ?? "GET").toUpperCase(),
        url,
        httpVersion: match[3] ? match[3].toUpperCase() : null,
        headers: [],
        body: "",
        assertions: [],
        line: index,
        startLine: draft.startLine,
      };
      draft.section = "headers";
      return;
    }
    if (!request) return; // the rest of a block whose request line was not understood
    if (draft.section === "headers") {
      if (line.trim() === "") {
        draft.section = "body";
        return;
      }
      if (COMMENT.test(line)) return;
      if (request.headers.length === 0 && QUERY_LINE.test(line)) {
        request.url += line.trim();
        return;
      }
      const header = HEADER.exec(line);
      if (header) request.headers.push({ name: header[1]!, value: header[2]! });
      else
        problems.push({
          line: index,
          message: `Expected a header like "Name: value" (or a blank line before the body), got "${line.trim()}"`,
        });
      return;
    }
    if (COMMENT.test(line)) return;
    draft.bodyLines.push(line);
  });
  finish();
  return { variables, requests, problems };
}

/** The variables a request sees: those defined above its request line, later ones winning. */
export function variablesFor(file: ParsedHttpFile, request: HttpRequestEntry): Map<string, string> {
  const visible = new Map<string, string>();
  for (const variable of file.variables) if (variable.line < request.line) visible.set(variable.name, variable.value);
  return visible;
}

/** The request whose block contains a 0-based line, if any. */
export function requestAtLine(file: ParsedHttpFile, line: number): HttpRequestEntry | undefined {
  let found: HttpRequestEntry | undefined;
  for (const request of file.requests) if (request.startLine <= line) found = request;
  return found;
}

// ---- writing ----

/** What a written request holds; lines and positions are the parser's business. */
export interface HttpRequestToWrite {
  name: string | null;
  method: string;
  url: string;
  httpVersion?: string | null;
  headers: HttpHeader[];
  body: string;
  assertions?: Array<Pick<Assertion, "subject" | "argument" | "predicate" | "expected">>;
}

export class HttpFileWriteError extends Error {}

/**
 * One request as text: `### name`, the request line, headers, a blank line, the body, the
 * assertions after another blank line, and a blank line to end it. Throws when something would
 * read back differently (a body line that looks like a separator, a comment or an assertion).
 */
export function serializeRequest(request: HttpRequestToWrite): string {
  const out: string[] = [request.name ? `### ${oneLine(request.name)}` : "###"];
  if (!/^\S+$/.test(request.url))
    throw new HttpFileWriteError(`The URL "${request.url}" has spaces; encode them as %20 to save it in a .http file`);
  if (!(METHODS as readonly string[]).includes(request.method.toUpperCase()))
    throw new HttpFileWriteError(`${request.method} is not a method .http files can hold`);
  out.push(`${request.method.toUpperCase()} ${request.url} ${request.httpVersion ?? "HTTP/1.1"}`);
  for (const { name, value } of request.headers) {
    if (!HEADER.test(`${name}: x`) || /[\r\n]/.test(value))
      throw new HttpFileWriteError(`The header "${name}" cannot be written on one line`);
    out.push(value === "" ? `${name}:` : `${name}: ${value}`);
  }
  const body = request.body.replace(/\r\n/g, "\n").replace(/\n+$/, "");
  if (body !== "") {
    const bodyLines = body.split("\n");
    const bad = bodyLines.find((line) => SEPARATOR.test(line) || COMMENT.test(line) || ASSERTION.test(line));
    if (bad !== undefined) {
      throw new HttpFileWriteError(
        `The body has a line starting with "${bad.trim().slice(0, 3)}", which .http files read as a separator, a comment or an assertion`,
      );
    }
    out.push("", ...bodyLines);
  }
  const assertions = request.assertions ?? [];
  if (assertions.length > 0) out.push("", ...assertions.map((assertion) => `?? ${formatAssertion(assertion)}`));
  out.push("");
  return `${out.join("\n")}\n`;
}

/** A whole file: variables first, then each request. */
export function serializeHttpFile(file: {
  header?: string[];
  variables: Array<{ name: string; value: string }>;
  requests: HttpRequestToWrite[];
}): string {
  const out: string[] = [];
  for (const line of file.header ?? []) out.push(`# ${oneLine(line)}`.trimEnd());
  for (const { name, value } of file.variables) {
    if (!/^[A-Za-z_$][\w$.-]*$/.test(name)) throw new HttpFileWriteError(`"${name}" is not a variable name .http files accept`);
    out.push(`@${name} = ${oneLine(value)}`);
  }
  const head = out.length > 0 ? `${out.join("\n")}\n\n` : "";
  return head + file.requests.map(serializeRequest).join("");
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ").trim();
}

// httpYac's `??` assertions, the subset Convex Lens runs (see README "Saved requests"):
//
//   ?? status == 200                      ?? duration < 500
//   ?? header content-type includes json  ?? header x-trace exists
//   ?? body includes hello                ?? body == {"ok":true}
//   ?? body author == ada                 ?? body items.0.id isString   (a path into the JSON body)
//   ?? js response.parsedBody.id exists   (a JavaScript expression; `response` is in scope)
//
// Our own subjects for `text/event-stream` bodies (httpYac has none), read from the whole stream:
//   ?? event count == 3                   ?? events includes [DONE]    (every event's data)
//   ?? event 0 data == hello              ?? event -1 event == done    (-1: the last one)
//   ?? event 1 data token == Hi           (a path into the event's JSON data)   ?? event 0 id == 1
//
// Predicates: == equals != > >= < <= startsWith endsWith includes contains matches, and the
// unary exists isTrue isFalse isNumber isBoolean isString isArray. As in httpYac, `exists` and
// `isTrue` mean truthy, and the expected text is converted to the type of the actual value
// (`status == 200` compares numbers). Pure: JavaScript is evaluated by a function the caller gives.

import { isEventStream, parseEventStream, type ServerSentEvent } from "./event-stream";

export type AssertionSubject = "status" | "header" | "body" | "duration" | "js" | "event" | "events";

export interface Assertion {
  subject: AssertionSubject;
  /**
   * Header name, body path, JavaScript expression, or for `event`: `count` or `<n> [field] [path]`;
   * null for status, duration, events and the whole body.
   */
  argument: string | null;
  /** Canonical id: `==`, `!=`, `>`, …, `includes`, `exists`, … */
  predicate: string;
  /** Null for unary predicates. */
  expected: string | null;
  /** 0-based line in its file. */
  line: number;
}

const BINARY: Record<string, string> = {
  "==": "==",
  equals: "==",
  "!=": "!=",
  ">": ">",
  ">=": ">=",
  "<": "<",
  "<=": "<=",
  startsWith: "startsWith",
  endsWith: "endsWith",
  includes: "includes",
  contains: "includes",
  matches: "matches",
};
const UNARY: Record<string, string> = {
  exists: "exists",
  isTrue: "exists",
  isFalse: "isFalse",
  isNumber: "isNumber",
  isBoolean: "isBoolean",
  isString: "isString",
  isArray: "isArray",
};
const SUBJECTS = ["status", "header", "body", "duration", "js", "event", "events"] as const;
/** What `event <n>` can read of an event. */
const EVENT_FIELDS = ["data", "event", "id", "retry"] as const;
type EventField = (typeof EVENT_FIELDS)[number];
const isEventField = (text: string): text is EventField => (EVENT_FIELDS as readonly string[]).includes(text);

/** `event count`, or `event <n> [field] [path]` with its parts; a problem when it is neither. */
type EventArgument = { kind: "count" } | { kind: "event"; index: number; field: EventField; path: string | null };

function parseEventArgument(argument: string | null): EventArgument | { problem: string } {
  const usage = `"?? event" reads "count" or an event by its index: ?? event count == 3, ?? event 0 data == hello, ?? event -1 data token == Hi`;
  const parts = (argument ?? "").split(/\s+/).filter((part) => part !== "");
  if (parts.length === 1 && parts[0] === "count") return { kind: "count" };
  if (parts.length === 0 || !/^-?\d+$/.test(parts[0]!)) return { problem: usage };
  const field = parts[1] ?? "data";
  if (!isEventField(field)) return { problem: `"?? event ${parts[0]}" reads one of ${EVENT_FIELDS.join(", ")}, not "${parts[1]}"` };
  const path = parts.slice(2).join(" ") || null;
  if (path !== null && field !== "data") return { problem: `Only an event's data has a path: ?? event ${parts[0]} data ${path} …` };
  return { kind: "event", index: Number(parts[0]), field, path };
}

function predicateOf(token: string | undefined): { id: string; unary: boolean } | null {
  if (token === undefined) return null;
  if (Object.hasOwn(BINARY, token)) return { id: BINARY[token]!, unary: false };
  if (Object.hasOwn(UNARY, token)) return { id: UNARY[token]!, unary: true };
  return null;
}

/** Parses a `?? …` line. */
export function parseAssertion(line: string, lineNumber: number): Assertion | { problem: string } {
  const text = line.replace(/^\s*\?\?/, "").trim();
  // Tokens with their offsets, so that the expected value keeps its own spacing.
  const tokens = [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], at: m.index! }));
  const subject = tokens[0]?.text as AssertionSubject | undefined;
  if (!subject || !(SUBJECTS as readonly string[]).includes(subject)) {
    return { problem: `Unsupported assertion "?? ${text}": it starts with one of ${SUBJECTS.join(", ")}` };
  }
  let predicateIndex: number;
  switch (subject) {
    case "status":
    case "duration":
      predicateIndex = 1;
      break;
    case "header":
      predicateIndex = 2;
      break;
    case "events":
      predicateIndex = 1;
      break;
    case "event":
      // `count`, or an index with an optional field and path, up to the first predicate word.
      predicateIndex = tokens.findIndex((token, index) => index >= 2 && predicateOf(token.text) !== null);
      break;
    case "body":
      predicateIndex = predicateOf(tokens[1]?.text) ? 1 : 2;
      break;
    default: {
      // js: the expression runs up to the last predicate word, as httpYac reads it.
      predicateIndex = -1;
      for (let i = tokens.length - 1; i >= 2; i--) {
        if (predicateOf(tokens[i]!.text)) {
          predicateIndex = i;
          break;
        }
      }
    }
  }
  const predicateToken = tokens[predicateIndex];
  const predicate = predicateOf(predicateToken?.text);
  if (!predicateToken || !predicate) {
    const where = predicateToken ? `"${predicateToken.text}"` : "nothing";
    return { problem: `Unsupported assertion "?? ${text}": expected a predicate (==, !=, <, includes, exists, …) where it has ${where}` };
  }
  const argument = predicateIndex > 1 ? text.slice(tokens[1]!.at, predicateToken.at).trim() : null;
  if (subject === "header" && !argument) return { problem: `"?? header" needs a header name: ?? header content-type includes json` };
  if (subject === "js" && !argument) return { problem: `"?? js" needs an expression: ?? js response.parsedBody.id exists` };
  if (subject === "event") {
    const event = parseEventArgument(argument);
    if ("problem" in event) return event;
  }
  const rest = text.slice(predicateToken.at + predicateToken.text.length).trim();
  if (predicate.unary && rest !== "") return { problem: `"${predicateToken.text}" takes no value, but "${rest}" follows it` };
  if (!predicate.unary && rest === "" && predicate.id !== "==" && predicate.id !== "!=") {
    return { problem: `"${predicateToken.text}" needs a value to compare with` };
  }
  return { subject, argument, predicate: predicate.id, expected: predicate.unary ? null : rest, line: lineNumber };
}

/** The assertion as written after `?? `. */
export function formatAssertion(assertion: Pick<Assertion, "subject" | "argument" | "predicate" | "expected">): string {
  return [assertion.subject, assertion.argument, assertion.predicate, assertion.expected]
    .filter((part) => part !== null && part !== "")
    .join(" ");
}

// ---- evaluation ----

/** A response as assertions see it. */
export interface AssertableResponse {
  status: number;
  headers: Array<[string, string]>;
  /** The body decoded as UTF-8. */
  text: string;
  durationMs: number;
}

/** Evaluates a `?? js` expression with `response` in scope (httpYac's names). */
export type EvaluateJs = (expression: string, scope: { response: JsResponse }) => unknown;

export interface JsResponse {
  statusCode: number;
  status: number;
  headers: Record<string, string>;
  body: string;
  parsedBody: unknown;
  duration: number;
  /** A `text/event-stream` body's events, each with `parsedData` when its data is JSON; else undefined. */
  events: Array<ServerSentEvent & { parsedData: unknown }> | undefined;
}

export interface AssertionResult {
  assertion: Assertion;
  ok: boolean;
  /** `expected status == 200, got 500` when it failed. */
  message: string;
}

function parsedBodyOf(response: AssertableResponse): unknown {
  return parseJson(response.text);
}

function jsEvents(response: AssertableResponse): JsResponse["events"] {
  try {
    return eventsOf(response).map((event) => ({ ...event, parsedData: parseJson(event.data) }));
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The body's events; an error saying what the body is when it is not an event stream. */
function eventsOf(response: AssertableResponse): ServerSentEvent[] {
  const type = response.headers.find(([name]) => name.toLowerCase() === "content-type")?.[1] ?? null;
  if (!isEventStream(type)) throw new Error(`the response is not text/event-stream (its content-type is ${type ?? "not set"})`);
  return parseEventStream(response.text);
}

function eventValue(argument: string | null, response: AssertableResponse): unknown {
  const parsed = parseEventArgument(argument);
  if ("problem" in parsed) throw new Error(parsed.problem);
  const events = eventsOf(response);
  if (parsed.kind === "count") return events.length;
  const event = parsed.index < 0 ? events[events.length + parsed.index] : events[parsed.index];
  if (!event) throw new Error(`the stream has ${events.length} event${events.length === 1 ? "" : "s"}, so no event ${parsed.index}`);
  if (parsed.field !== "data" || parsed.path === null) return event[parsed.field];
  const data = parseJson(event.data);
  return data === undefined ? undefined : readPath(data, parsed.path);
}

/** `items.0.id`, `items[0].id`, `["odd key"].x` into a JSON value. */
export function readPath(value: unknown, path: string): unknown {
  const parts: string[] = [];
  const pattern = /\.?([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let consumed = 0;
  for (const match of path.matchAll(pattern)) {
    if (match.index !== consumed) return undefined;
    consumed = match.index + match[0].length;
    parts.push(match[1] ?? match[2] ?? (JSON.parse(match[3]!) as string));
  }
  if (consumed !== path.length) return undefined;
  let current: unknown = value;
  for (const part of parts) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function actualValue(assertion: Assertion, response: AssertableResponse, evaluateJs: EvaluateJs | undefined): unknown {
  switch (assertion.subject) {
    case "status":
      return response.status;
    case "duration":
      return response.durationMs;
    case "header": {
      const name = assertion.argument!.toLowerCase();
      const values = response.headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
      return values.length > 0 ? values.join(", ") : undefined;
    }
    case "body": {
      if (assertion.argument === null) return response.text;
      const parsed = parsedBodyOf(response);
      return parsed === undefined ? undefined : readPath(parsed, assertion.argument);
    }
    case "events":
      return eventsOf(response).map((event) => event.data);
    case "event":
      return eventValue(assertion.argument, response);
    case "js": {
      if (!evaluateJs) throw new Error("?? js assertions are not available here");
      const headers: Record<string, string> = {};
      for (const [name, value] of response.headers)
        headers[name.toLowerCase()] = headers[name.toLowerCase()] ? `${headers[name.toLowerCase()]}, ${value}` : value;
      return evaluateJs(assertion.argument!, {
        response: {
          statusCode: response.status,
          status: response.status,
          headers,
          body: response.text,
          parsedBody: parsedBodyOf(response),
          duration: response.durationMs,
          events: jsEvents(response),
        },
      });
    }
  }
}

/** The expected text in the actual value's type, as httpYac converts it. */
function convert(actual: unknown, expected: string): unknown {
  if (typeof actual === "number") return expected.trim() === "" ? NaN : Number(expected);
  if (typeof actual === "boolean") return expected.trim() === "true";
  if (typeof actual === "string") return expected;
  if (actual === null && expected === "null") return null;
  if (actual === undefined && expected === "undefined") return undefined;
  if (typeof actual === "object") {
    try {
      return JSON.parse(expected);
    } catch {
      return expected;
    }
  }
  return expected;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function compare(predicate: string, actual: unknown, expected: unknown): boolean {
  switch (predicate) {
    case "==":
      return deepEqual(actual, expected);
    case "!=":
      return !deepEqual(actual, expected);
    case ">":
      return (actual as number) > (expected as number);
    case ">=":
      return (actual as number) >= (expected as number);
    case "<":
      return (actual as number) < (expected as number);
    case "<=":
      return (actual as number) <= (expected as number);
    case "startsWith":
      return actual !== undefined && actual !== null && String(actual).startsWith(String(expected));
    case "endsWith":
      return actual !== undefined && actual !== null && String(actual).endsWith(String(expected));
    case "includes":
      if (Array.isArray(actual)) return actual.some((item) => deepEqual(item, expected) || String(item) === String(expected));
      return actual !== undefined && actual !== null && String(actual).includes(String(expected));
    case "matches":
      return actual !== undefined && actual !== null && new RegExp(String(expected)).test(String(actual));
    case "exists":
      return !!actual;
    case "isFalse":
      return !actual;
    case "isNumber":
      return typeof actual === "number";
    case "isBoolean":
      return typeof actual === "boolean";
    case "isString":
      return typeof actual === "string";
    case "isArray":
      return Array.isArray(actual);
    default:
      return false;
  }
}

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string") {
    const text = value.length > 120 ? `${value.slice(0, 117)}…` : value;
    return JSON.stringify(text);
  }
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}…` : text;
  } catch {
    return String(value);
  }
}

export function evaluateAssertion(assertion: Assertion, response: AssertableResponse, evaluateJs?: EvaluateJs): AssertionResult {
  const described = formatAssertion(assertion);
  let actual: unknown;
  try {
    actual = actualValue(assertion, response, evaluateJs);
  } catch (error) {
    return { assertion, ok: false, message: `${described}: ${error instanceof Error ? error.message : String(error)}` };
  }
  let expected: unknown = null;
  if (assertion.expected !== null) {
    // The whole body against JSON compares the parsed body: `?? body == {"ok":true}`.
    if (assertion.subject === "body" && assertion.argument === null && (assertion.predicate === "==" || assertion.predicate === "!=")) {
      const parsed = parsedBodyOf(response);
      let wanted: unknown;
      try {
        wanted = JSON.parse(assertion.expected);
      } catch {
        wanted = undefined;
      }
      if (parsed !== undefined && wanted !== undefined && typeof wanted === "object") {
        actual = parsed;
        expected = wanted;
      } else {
        expected = assertion.expected;
      }
    } else {
      expected = convert(actual, assertion.expected);
    }
  }
  let ok: boolean;
  try {
    ok = compare(assertion.predicate, actual, expected);
  } catch (error) {
    return { assertion, ok: false, message: `${described}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const got = assertion.subject === "status" || assertion.subject === "duration" ? String(actual) : show(actual);
  return { assertion, ok, message: ok ? described : `expected ${described}, got ${got}` };
}

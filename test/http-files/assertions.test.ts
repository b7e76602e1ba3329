// httpYac's `??` assertions: reading them, and checking them against a response.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  evaluateAssertion,
  formatAssertion,
  parseAssertion,
  readPath,
  type AssertableResponse,
  type Assertion,
} from "../../runtime/http-files/assertions";
import { evaluateJsInVm } from "../../runtime/http-files/run-requests";

function parse(line: string): Assertion {
  const parsed = parseAssertion(line, 0);
  if ("problem" in parsed) throw new Error(parsed.problem);
  return parsed;
}

const response: AssertableResponse = {
  status: 200,
  headers: [
    ["content-type", "application/json; charset=utf-8"],
    ["set-cookie", "a=1"],
    ["set-cookie", "b=2"],
  ],
  text: JSON.stringify({ id: "j57abc", author: "ada", count: 0, ok: true, items: [{ id: 1 }, { id: 2 }], tags: ["x", "y"] }),
  durationMs: 12,
};

const check = (line: string, res = response) => evaluateAssertion(parse(line), res, evaluateJsInVm);

test("reading: subject, argument, predicate and expected value; aliases become the canonical id", () => {
  const cases: Array<[string, [string, string | null, string, string | null]]> = [
    ["?? status == 200", ["status", null, "==", "200"]],
    ["??status equals 200", ["status", null, "==", "200"]],
    ["?? header content-type contains json", ["header", "content-type", "includes", "json"]],
    ["?? header x-trace exists", ["header", "x-trace", "exists", null]],
    ["?? body includes hello world", ["body", null, "includes", "hello world"]],
    ["?? body == ", ["body", null, "==", ""]],
    ["?? body items.0.id isNumber", ["body", "items.0.id", "isNumber", null]],
    ["?? duration < 500", ["duration", null, "<", "500"]],
    ["?? js response.parsedBody.items.length > 1", ["js", "response.parsedBody.items.length", ">", "1"]],
    ["?? js response.headers['a b'] isTrue", ["js", "response.headers['a b']", "exists", null]],
  ];
  for (const [line, [subject, argument, predicate, expected]] of cases) {
    assert.deepEqual(parse(line), { subject, argument, predicate, expected, line: 0 }, line);
  }
  assert.equal(formatAssertion(parse("?? header content-type contains json")), "header content-type includes json");
});

test("reading refuses what it does not run, saying why", () => {
  const problem = (line: string) => {
    const parsed = parseAssertion(line, 0);
    return "problem" in parsed ? parsed.problem : null;
  };
  assert.match(problem("?? xpath /a exists")!, /starts with one of status, header, body, duration, js/);
  assert.match(problem("?? status 200")!, /expected a predicate/);
  assert.match(problem("?? status sha256 abc")!, /expected a predicate/);
  assert.match(problem("?? header exists")!, /expected a predicate|header name/);
  assert.match(problem("?? status exists 200")!, /takes no value/);
  assert.match(problem("?? status >")!, /needs a value/);
  assert.match(problem("?? js exists")!, /expected a predicate|needs an expression/);
});

test("status, duration and headers; the expected text takes the actual value's type", () => {
  assert.deepEqual(
    [
      "?? status == 200",
      "?? status >= 200",
      "?? status < 300",
      "?? status != 201",
      "?? status startsWith 2",
      "?? duration < 1000",
      "?? duration isNumber",
    ].map((l) => check(l).ok),
    [true, true, true, true, true, true, true],
  );
  assert.equal(check("?? header Content-Type includes json").ok, true);
  assert.equal(check("?? header set-cookie == a=1, b=2").ok, true);
  assert.equal(check("?? header x-missing exists").ok, false);
  assert.equal(check("?? header x-missing isFalse").ok, true);
  assert.equal(check("?? header content-type matches ^application/json").ok, true);
});

test("failures say what was expected and what came", () => {
  assert.equal(check("?? status == 201").message, "expected status == 201, got 200");
  assert.equal(
    check("?? header content-type includes xml").message,
    'expected header content-type includes xml, got "application/json; charset=utf-8"',
  );
  assert.equal(check("?? body author == bob").message, 'expected body author == bob, got "ada"');
  assert.equal(check("?? body missing exists").message, "expected body missing exists, got undefined");
});

test("bodies: text, the parsed JSON, paths into it", () => {
  assert.equal(check('?? body includes "author":"ada"').ok, true);
  assert.equal(
    check('?? body == {"id":"j57abc","author":"ada","count":0,"ok":true,"items":[{"id":1},{"id":2}],"tags":["x","y"]}').ok,
    true,
  );
  assert.equal(check('?? body == {"id":"other"}').ok, false);
  assert.equal(check("?? body author == ada").ok, true);
  assert.equal(check("?? body ok == true").ok, true);
  assert.equal(check("?? body count == 0").ok, true);
  // As in httpYac, exists means truthy.
  assert.equal(check("?? body count exists").ok, false);
  assert.equal(check("?? body items.1.id == 2").ok, true);
  assert.equal(check("?? body items[0].id == 1").ok, true);
  assert.equal(check("?? body items isArray").ok, true);
  assert.equal(check("?? body tags includes y").ok, true);
  assert.equal(check('?? body items == [{"id":1},{"id":2}]').ok, true);
  const text = { ...response, text: "hello there" };
  assert.equal(check("?? body == hello there", text).ok, true);
  assert.equal(check("?? body startsWith hello", text).ok, true);
  assert.equal(check("?? body id exists", text).ok, false);
  assert.equal(check("?? body == ", { ...response, text: "" }).ok, true);
});

test("js expressions see httpYac's response object and nothing else", () => {
  assert.equal(check("?? js response.parsedBody.id exists").ok, true);
  assert.equal(check("?? js response.statusCode == 200").ok, true);
  assert.equal(check("?? js response.headers['content-type'] includes json").ok, true);
  assert.equal(check("?? js response.parsedBody.items.length == 2").ok, true);
  assert.match(check("?? js require('fs') exists").message, /require is not defined/);
  assert.match(check("?? js process.exit(1) exists").message, /process is not defined/);
  assert.equal(evaluateAssertion(parse("?? js 1 exists"), response).ok, false);
});

test("readPath follows dots, indexes and quoted keys, and nothing else", () => {
  const value = { a: { "b c": [10, { d: 1 }] } };
  assert.equal(readPath(value, 'a["b c"][1].d'), 1);
  assert.equal(readPath(value, 'a["b c"].0'), 10);
  assert.equal(readPath(value, "a.x.y"), undefined);
  assert.equal(readPath(value, "a..b"), undefined);
  assert.equal(readPath(value, "constructor"), undefined);
});

const stream: AssertableResponse = {
  status: 200,
  headers: [["content-type", "text/event-stream"]],
  text: 'event: token\nid: 1\ndata: {"text":"Hel"}\n\nevent: token\nid: 2\ndata: {"text":"lo"}\n\nevent: done\ndata: [DONE]\n\n',
  durationMs: 40,
};

test("event-stream subjects: the count, every event's data, one event's fields and a path into its JSON data", () => {
  const cases: Array<[string, [string, string | null, string, string | null]]> = [
    ["?? event count == 3", ["event", "count", "==", "3"]],
    ["?? events includes [DONE]", ["events", null, "includes", "[DONE]"]],
    ["?? event 0 data text == Hel", ["event", "0 data text", "==", "Hel"]],
    ["?? event -1 == [DONE]", ["event", "-1", "==", "[DONE]"]],
  ];
  for (const [line, [subject, argument, predicate, expected]] of cases) {
    assert.deepEqual(parse(line), { subject, argument, predicate, expected, line: 0 }, line);
  }
  for (const line of [
    "?? event count == 3",
    "?? event count > 2",
    "?? events includes [DONE]",
    '?? events == ["{\\"text\\":\\"Hel\\"}","{\\"text\\":\\"lo\\"}","[DONE]"]',
    "?? event 0 event == token",
    "?? event 0 id == 1",
    "?? event 1 data text == lo",
    '?? event 1 data == {"text":"lo"}',
    "?? event -1 == [DONE]",
    "?? event -1 event == done",
    "?? event -1 id == 2",
    "?? js response.events[1].parsedData.text == lo",
  ]) {
    const result = check(line, stream);
    assert.equal(result.ok, true, `${line}: ${result.message}`);
  }
  assert.equal(check("?? event 0 data text == lo", stream).message, 'expected event 0 data text == lo, got "Hel"');
  assert.equal(check("?? event 5 exists", stream).message, "event 5 exists: the stream has 3 events, so no event 5");
  assert.equal(
    check("?? event count == 0").message,
    "event count == 0: the response is not text/event-stream (its content-type is application/json; charset=utf-8)",
  );
  assert.equal(check("?? js response.events isFalse").ok, true, "response.events is undefined for other bodies");
});

test("event-stream subjects refuse what they cannot read, saying how to write it", () => {
  const problem = (line: string) => {
    const parsed = parseAssertion(line, 0);
    return "problem" in parsed ? parsed.problem : null;
  };
  assert.match(problem("?? event first == a")!, /reads "count" or an event by its index/);
  assert.match(problem("?? event 0 name == a")!, /reads one of data, event, id, retry, not "name"/);
  assert.match(problem("?? event 0 id x == a")!, /Only an event's data has a path/);
  assert.match(problem("?? event 0 data")!, /expected a predicate/);
});

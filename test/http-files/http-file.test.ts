// The .http format as REST Client and httpYac write it: parsing, writing, and the round trip.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  HttpFileWriteError,
  parseHttpFile,
  requestAtLine,
  serializeHttpFile,
  serializeRequest,
  variablesFor,
  type HttpRequestToWrite,
} from "../../runtime/http-files/http-file";

const sample = [
  "# Saved by Convex Lens",
  "@site = http://127.0.0.1:3311",
  "@author = ada",
  "",
  "### POST /postMessage",
  "POST {{site}}/postMessage HTTP/1.1",
  "Content-Type: application/json",
  "// a comment between headers",
  "X-Trace: abc",
  "",
  "{",
  '  "author": "{{author}}",',
  "# a comment inside the body, dropped as REST Client drops it",
  '  "body": "hello"',
  "}",
  "",
  "?? status == 200",
  "?? header content-type includes json",
  "",
  "",
  "###",
  "# @name byAuthor",
  "GET {{site}}/getMessagesByAuthor",
  "    ?author={{author}}",
  "    &limit=2",
  "",
  "?? body isArray",
  "",
  "### plain",
  "https://example.com/x",
].join("\n");

test("requests, headers, bodies, names, comments, query lines and assertions", () => {
  const file = parseHttpFile(sample);
  assert.deepEqual(file.problems, []);
  assert.deepEqual(
    file.variables.map((v) => [v.name, v.value, v.line]),
    [
      ["site", "http://127.0.0.1:3311", 1],
      ["author", "ada", 2],
    ],
  );
  const [post, get, plain] = file.requests;
  assert.equal(file.requests.length, 3);
  assert.equal(post!.name, "POST /postMessage");
  assert.equal(post!.method, "POST");
  assert.equal(post!.url, "{{site}}/postMessage");
  assert.equal(post!.httpVersion, "HTTP/1.1");
  assert.deepEqual(post!.headers, [
    { name: "Content-Type", value: "application/json" },
    { name: "X-Trace", value: "abc" },
  ]);
  assert.equal(post!.body, '{\n  "author": "{{author}}",\n  "body": "hello"\n}');
  assert.deepEqual(
    post!.assertions.map((a) => [a.subject, a.argument, a.predicate, a.expected]),
    [
      ["status", null, "==", "200"],
      ["header", "content-type", "includes", "json"],
    ],
  );
  assert.equal(post!.line, 5);
  assert.equal(post!.startLine, 4);

  assert.equal(get!.name, "byAuthor");
  assert.equal(get!.url, "{{site}}/getMessagesByAuthor?author={{author}}&limit=2");
  assert.equal(get!.body, "");
  assert.equal(get!.httpVersion, null);
  assert.deepEqual(
    get!.assertions.map((a) => [a.subject, a.predicate]),
    [["body", "isArray"]],
  );

  assert.equal(plain!.name, "plain");
  assert.equal(plain!.method, "GET");
  assert.equal(plain!.url, "https://example.com/x");
});

test("a request sees the variables defined above it; requestAtLine finds a request's block", () => {
  const file = parseHttpFile("@a = 1\n###\nGET /x\n\n###\n@a = 2\n@b = 3\nGET /y\n");
  assert.deepEqual([...variablesFor(file, file.requests[0]!)], [["a", "1"]]);
  assert.deepEqual(
    [...variablesFor(file, file.requests[1]!)],
    [
      ["a", "2"],
      ["b", "3"],
    ],
  );
  assert.equal(requestAtLine(file, 0), undefined);
  assert.equal(requestAtLine(file, 2)!.url, "/x");
  assert.equal(requestAtLine(file, 6)!.url, "/y");
});

test("a file without separators is one request; methods are case-insensitive; CRLF works", () => {
  const file = parseHttpFile("post http://127.0.0.1:3311/echo\r\nx-test: 1\r\n\r\nhi\r\n");
  assert.deepEqual(file.problems, []);
  assert.equal(file.requests.length, 1);
  assert.equal(file.requests[0]!.method, "POST");
  assert.equal(file.requests[0]!.body, "hi");
});

test("problems name their line: a bad request line, a bad header, a bad assertion, an assertion before its request", () => {
  const file = parseHttpFile(
    ["?? status == 200", "###", "hello there", "###", "GET /a", "not a header", "", "?? status ~= 1", "?? xpath /a exists"].join("\n"),
  );
  assert.deepEqual(
    file.problems.map((p) => p.line),
    [0, 2, 5, 7, 8],
  );
  assert.match(file.problems[1]!.message, /Expected a request line like "GET \{\{site\}\}\/path"/);
  assert.match(file.problems[2]!.message, /Expected a header like "Name: value"/);
  assert.match(file.problems[4]!.message, /starts with one of status, header, body, duration, js/);
  assert.equal(file.requests.length, 1);
});

const written: HttpRequestToWrite[] = [
  {
    name: "POST /postMessage",
    method: "POST",
    url: "{{site}}/postMessage",
    headers: [{ name: "Content-Type", value: "application/json" }],
    body: '{\n  "author": "ada"\n}',
    assertions: [{ subject: "status", argument: null, predicate: "==", expected: "200" }],
  },
  { name: "GET /messages/abc", method: "GET", url: "{{site}}/messages/abc?x=1", headers: [], body: "" },
  {
    name: null,
    method: "DELETE",
    url: "{{site}}/x",
    headers: [{ name: "X-Empty", value: "" }],
    body: "",
    assertions: [{ subject: "js", argument: "response.parsedBody.id", predicate: "exists", expected: null }],
  },
];

test("writing: separators, request line with HTTP/1.1, headers, blank line, body, assertions", () => {
  assert.equal(
    serializeRequest(written[0]!),
    [
      "### POST /postMessage",
      "POST {{site}}/postMessage HTTP/1.1",
      "Content-Type: application/json",
      "",
      "{",
      '  "author": "ada"',
      "}",
      "",
      "?? status == 200",
      "",
      "",
    ].join("\n"),
  );
  assert.equal(serializeRequest(written[1]!), "### GET /messages/abc\nGET {{site}}/messages/abc?x=1 HTTP/1.1\n\n");
});

test("round trip: what we write reads back as the same requests and variables", () => {
  const text = serializeHttpFile({
    header: ["Saved by Convex Lens"],
    variables: [{ name: "site", value: "http://127.0.0.1:3311" }],
    requests: written,
  });
  const file = parseHttpFile(text);
  assert.deepEqual(file.problems, []);
  assert.deepEqual(
    file.variables.map(({ name, value }) => ({ name, value })),
    [{ name: "site", value: "http://127.0.0.1:3311" }],
  );
  assert.deepEqual(
    file.requests.map(({ name, method, url, headers, body, assertions }) => ({
      name,
      method,
      url,
      headers,
      body,
      assertions: assertions.map(({ subject, argument, predicate, expected }) => ({ subject, argument, predicate, expected })),
    })),
    written.map((request) => ({ ...request, assertions: request.assertions ?? [] })),
  );
  // And writing what was read gives the same text again.
  const again = serializeHttpFile({
    header: ["Saved by Convex Lens"],
    variables: file.variables,
    requests: file.requests.map((request) => ({ ...request, httpVersion: null })),
  });
  assert.equal(again, text);
});

test("round trip of the sample: parse → write → parse keeps every request", () => {
  const first = parseHttpFile(sample);
  const second = parseHttpFile(serializeHttpFile({ variables: first.variables, requests: first.requests }));
  // Positions move, and a request line without a version is written with HTTP/1.1.
  const strip = (file: typeof first) =>
    file.requests.map(({ line: _l, startLine: _s, httpVersion: _v, assertions, ...rest }) => ({
      ...rest,
      assertions: assertions.map(({ line: _a, ...a }) => a),
    }));
  assert.deepEqual(strip(second), strip(first));
});

test("writing refuses what would read back differently", () => {
  const base = written[0]!;
  assert.throws(() => serializeRequest({ ...base, body: "line\n### not a separator" }), HttpFileWriteError);
  assert.throws(() => serializeRequest({ ...base, body: "# heading" }), /separator, a comment or an assertion/);
  assert.throws(() => serializeRequest({ ...base, body: "?? status == 1" }), HttpFileWriteError);
  assert.throws(() => serializeRequest({ ...base, url: "{{site}}/a b" }), /spaces/);
  assert.throws(() => serializeRequest({ ...base, headers: [{ name: "X", value: "a\nb" }] }), HttpFileWriteError);
  // Trailing newlines of a body are not kept (as in REST Client); CRLF becomes LF.
  assert.equal(parseHttpFile(serializeRequest({ ...base, body: "a\r\nb\n\n" })).requests[0]!.body, "a\nb");
});

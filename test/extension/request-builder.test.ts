import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultRequest, requestUrl, toCurl, RequestError, requestHeaders } from "../../extension/requests/request-builder";
import type { RouteEntry } from "../../extension/routes/route-model";

const post: RouteEntry = {
  method: "POST",
  path: "/postMessage",
  kind: "exact",
  live: true,
  source: {
    method: "POST",
    path: "/postMessage",
    kind: "exact",
    file: "/p/convex/http.ts",
    line: 3,
    column: 5,
    jsonFields: ["author", "body"],
  },
};
const prefix: RouteEntry = { method: "GET", path: "/files/*", kind: "prefix", live: true, source: null };
const helperMade: RouteEntry = { method: "PUT", path: "/made", kind: "exact", live: true, source: null };

test("a POST route gets a JSON body with the fields its handler reads", () => {
  const request = defaultRequest(post);
  assert.deepEqual(JSON.parse(request.body), { author: "", body: "" });
  assert.deepEqual(request.headers, [{ name: "Content-Type", value: "application/json" }]);
});

test("a helper-made route without a source still gets a request, with an empty JSON object", () => {
  assert.equal(defaultRequest(helperMade).body, "{}");
});

test("GET routes have no body", () => {
  assert.equal(defaultRequest(prefix).body, "");
  assert.deepEqual(defaultRequest(prefix).headers, []);
});

test("prefix routes take the rest of the path; query strings are appended", () => {
  const request = { ...defaultRequest(prefix), pathRest: "/a/b.txt", query: "?x=1&y=two" };
  assert.equal(requestUrl("http://127.0.0.1:3311", request), "http://127.0.0.1:3311/files/a/b.txt?x=1&y=two");
});

test("a path rest cannot leave the origin", () => {
  const request = { ...defaultRequest(prefix), pathRest: "//evil.example/x" };
  assert.equal(requestUrl("http://127.0.0.1:3311", request), "http://127.0.0.1:3311/files/evil.example/x");
});

test("curl lines quote everything a shell would expand", () => {
  const request = { ...defaultRequest(post), body: `{"author":"it's"}` };
  assert.equal(
    toCurl("http://127.0.0.1:3311", request),
    `curl -i -X POST -H 'Content-Type: application/json' --data-raw '{"author":"it'\\''s"}' 'http://127.0.0.1:3311/postMessage'`,
  );
});

test("an invalid header name is refused with a message", () => {
  const request = { ...defaultRequest(post), headers: [{ name: "bad name", value: "x" }] };
  assert.throws(() => requestHeaders(request), RequestError);
});

const withReads = (method: string, reads: NonNullable<RouteEntry["source"]>["reads"], jsonFields: string[] | null = null): RouteEntry => ({
  method,
  path: "/r",
  kind: "exact",
  live: true,
  source: { method, path: "/r", kind: "exact", file: "/p/convex/http.ts", line: 1, column: 5, jsonFields, reads },
});

test("a GET route's query parameters and headers are pre-filled with values its code accepts", () => {
  const request = defaultRequest(
    withReads("GET", {
      query: [
        { name: "author", multiple: false, example: null },
        { name: "limit", multiple: false, example: "1" },
        { name: "tag", multiple: true, example: null },
      ],
      headers: [
        { name: "X-Api-Key", multiple: false, example: null },
        { name: "x-mode", multiple: false, example: "strict" },
        { name: "Origin", multiple: false, example: null },
        { name: "Authorization", multiple: false, example: null },
        { name: "content-type", multiple: false, example: null },
      ],
      body: null,
    }),
  );
  assert.equal(request.query, "author=author&limit=1&tag=tag");
  assert.deepEqual(request.headers, [
    { name: "X-Api-Key", value: "X-Api-Key" },
    { name: "x-mode", value: "strict" },
    { name: "Origin", value: "http://localhost:5173" },
  ]);
  assert.equal(request.body, "");
});

test("form, text and binary bodies get a template of their kind; text for JSON.parse gets JSON", () => {
  const form = defaultRequest(
    withReads("POST", {
      query: [],
      headers: [],
      body: {
        kind: "form",
        fields: [
          { name: "name", multiple: false, example: null },
          { name: "plan", multiple: false, example: "pro plan" },
        ],
      },
    }),
  );
  assert.deepEqual(form.headers, [{ name: "Content-Type", value: "application/x-www-form-urlencoded" }]);
  assert.equal(form.body, "name=name&plan=pro+plan");

  const text = defaultRequest(withReads("PUT", { query: [], headers: [], body: { kind: "text", json: false } }));
  assert.deepEqual(text.headers, [{ name: "Content-Type", value: "text/plain" }]);
  assert.equal(text.body, "hello");

  const webhook = defaultRequest(withReads("POST", { query: [], headers: [], body: { kind: "text", json: true } }, ["type"]));
  assert.deepEqual(webhook.headers, [{ name: "Content-Type", value: "application/json" }]);
  assert.deepEqual(JSON.parse(webhook.body), { type: "" });

  const upload = defaultRequest(
    withReads("POST", { query: [{ name: "author", multiple: false, example: null }], headers: [], body: { kind: "binary" } }),
  );
  assert.deepEqual(upload.headers, [{ name: "Content-Type", value: "application/octet-stream" }]);
  assert.equal(upload.body, "");
  assert.equal(upload.query, "author=author");
});

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

// The curl lines `serve` prints are ready to paste: a POST body carries the fields the handler
// reads from `await request.json()`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { curlLine } from "../../runtime/cli/ready-banner";

test("a POST route's curl line sends the fields its handler reads", () => {
  const line = curlLine("http://127.0.0.1:3311", { method: "POST", path: "/postMessage", kind: "exact" }, ["author", "body"]);
  assert.equal(line, `curl -i -X POST -H 'content-type: application/json' -d '{"author":"","body":""}' 'http://127.0.0.1:3311/postMessage'`);
});

test("without known fields the body is an empty object; quotes in field names never break the shell line", () => {
  assert.match(curlLine("http://x", { method: "PUT", path: "/a", kind: "exact" }), /-d '\{\}'/);
  assert.match(curlLine("http://x", { method: "POST", path: "/a", kind: "exact" }, ["ok", "it's"]), /-d '\{"ok":""\}'/);
});

test("prefix routes get a sample rest of the path", () => {
  assert.equal(curlLine("http://x", { method: "GET", path: "/messages/*", kind: "prefix" }), "curl -i 'http://x/messages/example'");
});

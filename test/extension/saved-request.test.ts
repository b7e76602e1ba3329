// "Save request": the .http entry for an edited request, the file it goes to, and appending.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHttpFile } from "../../runtime/http-files/http-file";
import { appendRequest, httpFileName, routeSlug, toSavedRequest } from "../../extension/requests/saved-request";
import { mapRequestsConfig } from "../../extension/config-mapping";
import type { EditableRequest } from "../../webview/protocol/response";

const post: EditableRequest = {
  method: "POST",
  routePath: "/postMessage",
  pathRest: "",
  query: "",
  headers: [{ name: "Content-Type", value: "application/json" }],
  body: '{\n  "author": "ada",\n  "body": "hello"\n}',
};

test("one file per route, named after its method and path", () => {
  assert.equal(routeSlug("POST", "/postMessage"), "post-postMessage");
  assert.equal(routeSlug("GET", "/messages/*"), "get-messages");
  assert.equal(routeSlug("GET", "/"), "get-root");
  assert.equal(routeSlug("DELETE", "/a b/c.d/"), "delete-a-b-c-d");
  assert.equal(httpFileName("GET", "/files/special/*"), "get-files-special.http");
});

test("a request becomes {{site}} + path, its headers, its body and the status it got", () => {
  const { entry, credentialVariable } = toSavedRequest(post, { status: 200, statusAssertion: true });
  assert.equal(credentialVariable, null);
  assert.deepEqual(entry, {
    name: "POST /postMessage",
    method: "POST",
    url: "{{site}}/postMessage",
    headers: [{ name: "Content-Type", value: "application/json" }],
    body: post.body,
    assertions: [{ subject: "status", argument: null, predicate: "==", expected: "200" }],
  });
  const prefix = toSavedRequest(
    { ...post, method: "GET", routePath: "/messages/*", pathRest: "abc", query: "?x=1", body: "ignored" },
    { status: 404, statusAssertion: false },
  );
  assert.equal(prefix.entry.url, "{{site}}/messages/abc?x=1");
  assert.equal(prefix.entry.name, "GET /messages/abc?x=1");
  assert.equal(prefix.entry.body, "");
  assert.deepEqual(prefix.entry.assertions, []);
});

test("tokens are not written: Authorization becomes a variable", () => {
  const bearer = toSavedRequest({ ...post, headers: [{ name: "Authorization", value: "Bearer eyJhbGciOi.x.y" }] });
  assert.deepEqual(bearer.entry.headers, [{ name: "Authorization", value: "Bearer {{token}}" }]);
  assert.equal(bearer.credentialVariable, "token");
  const basic = toSavedRequest({ ...post, headers: [{ name: "authorization", value: "Basic YTpi" }] });
  assert.deepEqual(basic.entry.headers, [{ name: "authorization", value: "{{authorization}}" }]);
  const already = toSavedRequest({ ...post, headers: [{ name: "Authorization", value: "Bearer {{token}}" }] });
  assert.equal(already.credentialVariable, null);
});

test("a new file starts with @site and reads back as the request; saving again appends; the same request is not repeated", () => {
  const first = appendRequest(
    null,
    toSavedRequest(post, { status: 200, statusAssertion: true }).entry,
    "http://127.0.0.1:3311",
    "POST /postMessage",
  );
  assert.equal(
    first.text,
    [
      '# Requests for POST /postMessage, saved by Convex Lens. Send them with the "Send with Convex Lens" CodeLens,',
      "# REST Client or httpYac, or run them all: npx convex-lens run <this file> --site <URL>",
      "@site = http://127.0.0.1:3311",
      "",
      "### POST /postMessage",
      "POST {{site}}/postMessage HTTP/1.1",
      "Content-Type: application/json",
      "",
      "{",
      '  "author": "ada",',
      '  "body": "hello"',
      "}",
      "",
      "?? status == 200",
      "",
      "",
    ].join("\n"),
  );
  assert.equal(first.line, 5);
  assert.equal(first.alreadySaved, false);

  const other = { ...post, body: '{"author":"bob","body":"hi"}' };
  const second = appendRequest(
    first.text,
    toSavedRequest(other, { status: 200, statusAssertion: true }).entry,
    "http://ignored",
    "POST /postMessage",
  );
  assert.ok(second.text.startsWith(first.text));
  const parsed = parseHttpFile(second.text);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(
    parsed.requests.map((r) => r.body),
    [post.body, other.body],
  );
  assert.equal(second.line, parsed.requests[1]!.line);

  const again = appendRequest(
    second.text,
    toSavedRequest(other, { status: 500, statusAssertion: true }).entry,
    "http://ignored",
    "POST /postMessage",
  );
  assert.equal(again.alreadySaved, true);
  assert.equal(again.text, second.text);
  assert.equal(again.line, parsed.requests[1]!.line);

  // A file the user edited by hand (no final newline) still gets a clean separation.
  const edited = appendRequest("@site = http://x\nGET {{site}}/a", toSavedRequest(post).entry, "http://ignored", "POST /postMessage");
  assert.deepEqual(
    parseHttpFile(edited.text).requests.map((r) => r.url),
    ["{{site}}/a", "{{site}}/postMessage"],
  );
});

test("settings of saved requests and the response panel: a folder inside the project, the status assertion on, one shared panel by default", () => {
  const get =
    (values: Record<string, unknown>) =>
    <T>(key: string, fallback: T): T =>
      key in values ? (values[key] as T) : fallback;
  assert.deepEqual(mapRequestsConfig(get({})), { requestsFolder: "convex-requests", saveStatusAssertion: true, responsePanel: "shared" });
  assert.deepEqual(mapRequestsConfig(get({ requestsFolder: " api/requests ", saveStatusAssertion: false, responsePanel: "perRoute" })), {
    requestsFolder: "api/requests",
    saveStatusAssertion: false,
    responsePanel: "perRoute",
  });
  assert.equal(mapRequestsConfig(get({ requestsFolder: 3 })).requestsFolder, "convex-requests");
  assert.equal(mapRequestsConfig(get({ responsePanel: "sideways" })).responsePanel, "shared");
});

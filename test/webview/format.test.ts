// Pure helpers of the response panel: JSON layout, sizes, status lines, stack frames, data URLs,
// and the request as it is sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatBytes, formatDuration, formatJson, imageDataUrl, statusClass, statusLine } from "../../webview/response/format";
import { requestToSend } from "../../webview/response/request-editor";
import { splitFrames } from "../../webview/response/stack-frames";
import { request } from "./webview-fixture";

test("formatJson lays JSON out like JSON.stringify(…, null, 2)", () => {
  const samples = [
    '{"a":1,"b":[1,2,{"c":null}],"d":{},"e":[],"f":"x,y:{z}","g":"quote \\" and \\\\ backslash"}',
    "[ ]",
    '  {"nested": {"deep": [ [ ], { } , true, false, -1.5 ]}}  ',
    '"just a string"',
    "42",
  ];
  for (const sample of samples) assert.equal(formatJson(sample), JSON.stringify(JSON.parse(sample), null, 2), sample);
});

test("formatJson keeps numbers as written and rejects what is not JSON", () => {
  assert.equal(formatJson('{"id":12345678901234567890,"price":1.10}'), '{\n  "id": 12345678901234567890,\n  "price": 1.10\n}');
  assert.equal(formatJson("{oops}"), null);
  assert.equal(formatJson(""), null);
});

test("formatBytes uses binary units with one decimal below ten", () => {
  assert.deepEqual([0, 512, 1023, 1024, 1536, 10 * 1024, 1024 * 1024 - 1, 5.25 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes), [
    "0 B",
    "512 B",
    "1023 B",
    "1.0 KB",
    "1.5 KB",
    "10 KB",
    "1.0 MB",
    "5.3 MB",
    "3.0 GB",
  ]);
});

test("durations in milliseconds; status lines and classes", () => {
  assert.equal(formatDuration(41.6), "42 ms");
  assert.equal(formatDuration(null), "");
  assert.equal(statusLine(200, "OK"), "200 OK");
  assert.equal(statusLine(201, ""), "201 Created");
  assert.equal(statusLine(299, ""), "299");
  assert.deepEqual([101, 204, 302, 418, 500, 600].map(statusClass), [
    "status-1xx",
    "status-2xx",
    "status-3xx",
    "status-4xx",
    "status-5xx",
    "status-other",
  ]);
});

test("splitFrames finds the user's frames as the runtime prints them, and only those", () => {
  const text =
    "Uncaught Error: boom\n    at handler (../convex/http.ts:12:3)\n    at ../convex/lib/util.ts:4\n    at run (/opt/worker.js:1:1)";
  const frames = splitFrames(text).filter((segment) => segment.kind === "frame");
  assert.deepEqual(frames, [
    { kind: "frame", text: "../convex/http.ts:12:3", file: "convex/http.ts", line: 12, column: 3 },
    { kind: "frame", text: "../convex/lib/util.ts:4", file: "convex/lib/util.ts", line: 4, column: null },
  ]);
  assert.equal(
    splitFrames(text)
      .map((segment) => segment.text)
      .join(""),
    text,
    "the segments rebuild the text",
  );
  for (const other of ["see ../../etc/passwd.ts:1:1", "http://x/../convex/http.ts:1:1", "../convex/http:1:1", "../convex/a.ts:0:1"]) {
    assert.deepEqual(
      splitFrames(other).filter((segment) => segment.kind === "frame"),
      [],
      other,
    );
  }
});

test("imageDataUrl accepts plain image types and base64 only", () => {
  assert.equal(imageDataUrl("image/svg+xml; charset=utf-8", "PHN2Zz4="), "data:image/svg+xml;base64,PHN2Zz4=");
  assert.equal(imageDataUrl("text/html", "PGI+"), null);
  assert.equal(imageDataUrl('image/png"><script>', "AAAA"), null);
  assert.equal(imageDataUrl("image/png", "AA AA"), null);
  assert.equal(imageDataUrl("image/png", ""), null);
});

test("requestToSend drops the query's ?, unnamed header rows, a body the method cannot carry and a stray path rest", () => {
  const draft = request({
    method: "GET",
    query: " ?a=1 ",
    pathRest: "ignored",
    headers: [
      { name: " X-A ", value: " v " },
      { name: "  ", value: "orphan" },
    ],
    body: "x",
  });
  assert.deepEqual(requestToSend(draft), { ...draft, query: "a=1", pathRest: "", headers: [{ name: "X-A", value: " v " }], body: "" });
  assert.equal(requestToSend(request({ routePath: "/files/*", pathRest: " a/b " })).pathRest, "a/b");
});

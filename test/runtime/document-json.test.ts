// Documents reach user code and leave through the function API as JSON text that the host never
// parses (the store's own text, the package's own result): each answer must be exactly what
// stringifying the parsed value gives, as it was when the host parsed and stringified it, and
// hold the values that were stored.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import type { JSONValue } from "../../runtime/shared/wire-values";

/** Values whose JSON text is easy to get wrong: escapes, non-ASCII, key order, encoded scalars. */
const VALUES: Array<{ [key: string]: JSONValue }> = [
  { text: 'quotes " and \\ backslashes\nnew line\ttab \u0001', n: 1 },
  { text: "ünïcödé 😀", n: 2.5, nested: { b: 1, a: [true, null, { z: [] }] } },
  { text: "numbers", n: -0.000001, big: 1e21, small: 5e-324, count: { $integer: "1v///////wA=" } },
  { text: "bytes and floats", bytes: { $bytes: "AAEC/w==" }, nan: { $float: "AAAAAAAA+H8=" }, minusZero: { $float: "AAAAAAAAAIA=" } },
];

let server: FixtureServer;
before(async () => {
  server = await serveFixture("syscalls-app");
  const stored = await server.runtime.runFunction("documents:store", { values: VALUES }, { udfType: "mutation" });
  assert.ok(stored.ok, !stored.ok ? stored.error.message : "");
});
after(async () => {
  await server.stop();
});

/** The function API's answer, as text, after checking that it is JSON as JSON.stringify writes it. */
async function callText(path: string): Promise<string> {
  const response = await fetch(`${server.api.url}/api/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path, args: {}, format: "json" }),
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  const text = await response.text();
  assert.equal(text, JSON.stringify(JSON.parse(text)));
  return text;
}

function withoutSystemFields(docs: Array<Record<string, unknown>>): unknown[] {
  return docs.map(({ _id, _creationTime, ...fields }) => {
    assert.equal(typeof _id, "string");
    assert.equal(typeof _creationTime, "number");
    return fields;
  });
}

test("documents read by a query reach the function API's response as stored, in JSON.stringify's text", async () => {
  for (const path of ["documents:all", "documents:allNested"]) {
    const body = JSON.parse(await callText(path)) as { status: string; value: Array<Record<string, unknown>>; logLines: string[] };
    assert.equal(body.status, "success");
    assert.deepEqual(Object.keys(body), ["status", "value", "logLines"]);
    assert.deepEqual(withoutSystemFields(body.value), VALUES, path);
  }
});

test("each answer of the stream syscall is the text of { value, done }, with the document as stored", async () => {
  const outcome = await server.runtime.runFunction("documents:rawStream", {}, { udfType: "query" });
  assert.ok(outcome.ok);
  const answers = outcome.value as string[];
  assert.equal(answers.length, VALUES.length + 1);
  const docs = answers.slice(0, -1).map((answer) => {
    const parsed = JSON.parse(answer) as { value: Record<string, unknown>; done: boolean };
    assert.equal(answer, JSON.stringify({ value: parsed.value, done: false }));
    return parsed.value;
  });
  assert.deepEqual(withoutSystemFields(docs), VALUES);
  assert.equal(answers.at(-1), JSON.stringify({ value: null, done: true }));
  // runFunction parses the result the worker sent as text: the same documents.
  const all = await server.runtime.runFunction("documents:all", {}, { udfType: "query" });
  assert.ok(all.ok);
  assert.deepEqual(all.value, docs);
});

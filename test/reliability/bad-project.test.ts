// Projects that do not build or load, as `convex-lens serve` shows them: each bad input is saved
// into a running project (the watcher reloads it), and the CLI prints one clear message that names
// the file (and the line when there is one) and says what is wrong, while the last good build goes
// on serving. Then the file is fixed and the project reloads. Cases already covered by
// test/runtime/bad-project.test.ts (an http.ts that is not a router or has no default export, a
// duplicate route, a module that throws while loading) and test/cli/serve.test.ts (a syntax error
// in http.ts) are not repeated here.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "../helpers/serve-fixture";
import { recordFigures, Tally } from "./figures";
import { callApi, copyFixture, poll, startServe, valueOfCall, type ServeChild } from "./support";

const tally = new Tally();
const project = copyFixture("faults-app");
const dataDirs: string[] = [];
let child: ServeChild;

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "convex-lens-badproject-"));
  dataDirs.push(dir);
  return dir;
}

const file = (name: string) => join(project, "convex", name);
const originals = new Map<string, string | null>();

before(async () => {
  child = await startServe(project, newDataDir());
  await valueOfCall(child.api, "mutation", "writes:bump", { name: "kept" });
});

after(async () => {
  if (child) assert.equal(await child.stop(), 0);
  rmSync(project, { recursive: true, force: true });
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  await recordFigures("bad-project-input", {
    title: "a project that does not build or load: a message naming the file, the last good build serving",
    tally,
  });
});

/** Output printed since `mark`, once `pattern` shows up there. */
async function printedAfter(mark: number, pattern: RegExp): Promise<string> {
  return poll(
    () => {
      const printed = child.cli.output().slice(mark);
      return pattern.test(printed) ? printed : undefined;
    },
    `${pattern} in the output of serve:\n${child.cli.output().slice(mark)}`,
    600,
  );
}

/** The last good build still answers on both origins, with the data it had. */
async function lastGoodBuildServes(): Promise<void> {
  assert.equal(await (await fetch(`${child.site}/healthy`)).text(), "healthy");
  assert.equal(await valueOfCall(child.api, "query", "writes:counter", { name: "kept" }), 1);
  tally.requestsSent += 2;
}

/**
 * Saves `contents` into `name` (null deletes it), expects the build-failed report to match
 * `expected`, checks the last good build serves, then restores the file and waits for the reload.
 */
async function badInput(name: string, contents: string | ((original: string) => string), expected: RegExp): Promise<string> {
  tally.inputsTried++;
  tally.runs++;
  const path = file(name);
  let original: string | null = null;
  try {
    original = readFileSync(path, "utf8");
  } catch {
    original = null;
  }
  originals.set(name, original);
  const mark = child.cli.output().length;
  writeFileSync(path, typeof contents === "function" ? contents(original ?? "") : contents);
  // The report comes in several writes: wait for the line expected, not just the heading.
  const printed = await printedAfter(mark, expected);
  assert.match(printed, /build failed; the last good build keeps serving:\n/);
  await lastGoodBuildServes();
  const restored = child.cli.output().length;
  if (original === null) rmSync(path);
  else writeFileSync(path, original);
  await printedAfter(restored, /reloaded in \d+ ms/);
  return printed;
}

describe("saved into a running project: named by file, the last good build keeps serving", () => {
  test("a syntax error in a function module points at its line", async () => {
    await badInput("writes.ts", (text) => `${text}\nexport const broken = (;\n`, /\n {2}convex\/writes\.ts:\d+:\d+: Unexpected ";"/);
  });

  test("a pathPrefix without its trailing slash: the router's own message, at the line in http.ts", async () => {
    const printed = await badInput(
      "http.ts",
      (text) => text.replace('pathPrefix: "/echo/",\n  method: "POST"', 'pathPrefix: "/echo",\n  method: "POST"'),
      /\n {2}convex\/http\.ts:\d+:\d+: Failed to load http\.ts: Error: pathPrefix \/echo must end with a \//,
    );
    assert.doesNotMatch(printed, /convex\/http\.ts:1:1/);
  });

  test("a schema.ts that throws is reported at schema.ts (it was reported at http.ts)", async () => {
    await badInput(
      "schema.ts",
      (text) => text.replace("export default", "throw new Error('the schema is broken');\nexport default"),
      /\n {2}convex\/schema\.ts:\d+:\d+: Uncaught Error: the schema is broken\n {4}at .*\.\.\/convex\/schema\.ts:\d+:\d+/,
    );
  });

  test("a syntax error in schema.ts", async () => {
    await badInput("schema.ts", (text) => `${text}\n)))\n`, /\n {2}convex\/schema\.ts:\d+:\d+: Unexpected "\)"/);
  });

  test("a schema.ts without a default export: the backend's message (it was accepted as no schema)", async () => {
    await badInput(
      "schema.ts",
      (text) => text.replace("export default defineSchema(", "export const schema = defineSchema("),
      /\n {2}convex\/schema\.ts:1:1: Schema file missing default export\. To learn more, see the schema documentation at https:\/\/docs\.convex\.dev\/database\/schemas\./,
    );
  });

  test("a schema.ts whose default export is not a schema: the backend's message", async () => {
    await badInput(
      "schema.ts",
      "export default { tables: {} };\n",
      /\n {2}convex\/schema\.ts:1:1: Default export from schema file isn't a Convex schema\. To learn more/,
    );
  });

  test("an index name defined twice: refused like the backend (it flip-flopped between definitions)", async () => {
    await badInput(
      "schema.ts",
      (text) => text.replace('.index("by_round", ["round"])', '.index("by_round", ["round"]).index("by_round", ["seq"])'),
      /\n {2}convex\/schema\.ts:1:1: Table "writes" has two or more definitions of index "by_round"\./,
    );
  });

  test("two indexes over the same fields, and a reserved index name", async () => {
    await badInput(
      "schema.ts",
      (text) => text.replace('.index("by_round", ["round"])', '.index("by_round", ["round"]).index("again", ["round"])'),
      /\n {2}convex\/schema\.ts:1:1: In table "writes" index "by_round" and index "again" have the same fields\. Indexes must be unique within a table\./,
    );
    await badInput(
      "schema.ts",
      (text) => text.replace('.index("by_round", ["round"])', '.index("by_id", ["round"])'),
      /\n {2}convex\/schema\.ts:1:1: In table "writes" cannot name an index "by_id" because the name is reserved\./,
    );
  });

  test("vector indexes the backend refuses: dimensions out of range, two on one field, a field that holds no vectors", async () => {
    const withVectorIndexes = (indexes: string) => (text: string) =>
      text.replace('.index("by_round", ["round"])', `.index("by_round", ["round"])${indexes}`);
    await badInput(
      "schema.ts",
      withVectorIndexes('.vectorIndex("by_vector", { vectorField: "embedding", dimensions: 1 })'),
      /\n {2}convex\/schema\.ts:1:1: In table "writes": Dimensions 1 must be between 2 and 4096\./,
    );
    await badInput(
      "schema.ts",
      withVectorIndexes(
        '.vectorIndex("by_vector", { vectorField: "value", dimensions: 8 }).vectorIndex("again", { vectorField: "value", dimensions: 8 })',
      ),
      /\n {2}convex\/schema\.ts:1:1: In table "writes" vector index "by_vector" and vector index "again" have the same `vectorField`\./,
    );
    await badInput(
      "schema.ts",
      withVectorIndexes('.vectorIndex("by_vector", { vectorField: "value", dimensions: 8 })'),
      /\n {2}convex\/schema\.ts:1:1: In table "writes" the vector index "by_vector" is invalid because it references the field "value" that is neither an array of float64 or optional array of float64\./,
    );
    await badInput(
      "schema.ts",
      withVectorIndexes('.vectorIndex("by_round", { vectorField: "value", dimensions: 8 })'),
      /\n {2}convex\/schema\.ts:1:1: Table "writes" has two or more definitions of index "by_round"\./,
    );
  });

  test("an auth.config.ts that throws is reported at auth.config.ts (it was reported at http.ts)", async () => {
    await badInput(
      "auth.config.ts",
      "throw new Error('the auth config is broken');\nexport default { providers: [] };\n",
      /\n {2}convex\/auth\.config\.ts:\d+:\d+: Uncaught Error: the auth config is broken/,
    );
  });

  test("an import of a package that is not installed: named, with the npm command that fixes it", async () => {
    await badInput(
      "pkg.ts",
      "import leftPad from 'left-pad-not-installed';\nexport const x = leftPad;\n",
      /\n {2}convex\/pkg\.ts:1:1: Failed to load pkg\.ts: Error \[ERR_MODULE_NOT_FOUND\]: Cannot find package 'left-pad-not-installed' .*\nThe package left-pad-not-installed is imported but not installed: run `npm install left-pad-not-installed` in the project\./,
    );
  });

  test("a broken provider in auth.config.ts is a notice naming the file; the functions keep running", async () => {
    tally.inputsTried++;
    const mark = child.cli.output().length;
    writeFileSync(file("auth.config.ts"), "export default { providers: [{ domain: 42 }] };\n");
    await printedAfter(
      mark,
      /\[convex-lens\] convex\/auth\.config\.ts: auth config file must include a list of provider credentials: Provider at index 0 has a 'domain' that is not a string \(got number\)\./,
    );
    await printedAfter(mark, /reloaded in \d+ ms/);
    await lastGoodBuildServes();
    const restored = child.cli.output().length;
    rmSync(file("auth.config.ts"));
    await printedAfter(restored, /reloaded in \d+ ms/);
  });
});

describe("at startup", () => {
  test("a broken auth.config.ts is reported when serve starts (the first load's notices were lost)", async () => {
    tally.inputsTried++;
    const dir = copyFixture("faults-app");
    writeFileSync(join(dir, "convex", "auth.config.ts"), "export default { providers: [{ domain: 42 }] };\n");
    const serve = await startServe(dir, newDataDir());
    try {
      await serve.cli.waitFor(/\[convex-lens\] convex\/auth\.config\.ts: auth config file must include a list of provider credentials/);
      assert.equal(await (await fetch(`${serve.site}/healthy`)).text(), "healthy");
      tally.requestsSent++;
    } finally {
      assert.equal(await serve.stop(), 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("no `convex` package anywhere above the project: it runs on ours, and serve says so", async () => {
    tally.inputsTried++;
    // os.tmpdir() has no node_modules above it: the loader falls back to bundling our own convex.
    const dir = mkdtempSync(join(tmpdir(), "convex-lens-no-convex-"));
    cpSync(join(FIXTURES, "faults-app"), dir, { recursive: true });
    const serve = await startServe(dir, join(dir, "data"));
    try {
      await serve.cli.waitFor(
        /\[convex-lens\] The project has no `convex` package installed \(no node_modules\/convex in .* or a folder above it\), so its functions run with Convex Lens's own convex \d+\.\d+\.\d+\. Run `npm install convex` in the project/,
      );
      assert.equal(await (await fetch(`${serve.site}/healthy`)).text(), "healthy");
      const outcome = await callApi(serve.api, "mutation", "writes:bump", { name: "bundled" });
      assert.equal(outcome.value, 1);
      tally.requestsSent += 2;
      tally.notes.push(
        "a project without node_modules/convex runs on Convex Lens's own convex package, with a notice saying so and how to install it",
      );
    } finally {
      assert.equal(await serve.stop(), 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

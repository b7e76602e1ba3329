import assert from "node:assert/strict";
import path from "node:path";
import { after, describe, test } from "node:test";
import { selectEntryPoints, skipReason } from "../../runtime/loader/entry-points.js";
import { makeProject, type FixtureProject } from "./fixture-project.js";

const projects: FixtureProject[] = [];
after(() => {
  for (const p of projects) p.remove();
});

function project(files: Record<string, string>): FixtureProject {
  const p = makeProject(files);
  projects.push(p);
  return p;
}

const MODULE = "export const x = 1;\n";

describe("skipReason follows the CLI's rules", () => {
  const cases: Array<[string, ReturnType<typeof skipReason>]> = [
    ["messages.ts", null],
    ["a.js", null],
    ["a.mjs", null],
    ["a.cjs", null],
    ["a.tsx", null],
    ["a.jsx", null],
    ["a.mts", null],
    ["a.cts", null],
    [path.join("dir", "sub", "mod.ts"), null],
    ["README.md", "not-js"],
    ["data.json", "not-js"],
    ["Upper.TS", "not-js"], // the CLI compares extensions case-sensitively
    [path.join("_generated", "api.ts"), "generated"],
    [".hidden.ts", "dotfile"],
    ["#autosave.ts", "editor-temp"],
    ["schema.ts", "schema"],
    ["schema.js", "schema"],
    ["schema.mjs", null], // only schema.ts / schema.js are the schema for the CLI
    ["messages.test.ts", "multiple-dots"],
    ["auth.config.ts", "multiple-dots"],
    ["convex.config.ts", "multiple-dots"],
    ["my file.ts", "space"],
    [path.join("my dir", "file.ts"), "space"],
  ];
  for (const [relPath, expected] of cases) {
    test(`${relPath} → ${expected ?? "entry point"}`, () => assert.equal(skipReason(relPath), expected));
  }
});

describe("selectEntryPoints", () => {
  test("picks modules in nested folders and skips the rest", () => {
    const p = project({
      "convex/messages.ts": MODULE,
      "convex/dir/sub.ts": MODULE,
      "convex/dir/deeper/leaf.js": "export const y = 2;\n",
      "convex/_generated/api.ts": MODULE,
      "convex/schema.ts": MODULE,
      "convex/auth.config.ts": "export default { providers: [] };\n",
      "convex/convex.config.ts": MODULE,
      "convex/messages.test.ts": MODULE,
      "convex/.eslintrc.js": MODULE,
      "convex/#scratch.ts": MODULE,
      "convex/with space.ts": MODULE,
      "convex/README.md": "# hi\n",
      "convex/node_modules/pkg/index.js": MODULE,
      "convex/component/convex.config.ts": MODULE,
      "convex/component/fn.ts": MODULE,
      "convex/typesOnly.ts": "// only a comment, no import or export\nconst z = 1;\n",
    });
    const result = selectEntryPoints(path.join(p.dir, "convex"));
    assert.ok(result.ok);
    assert.deepEqual(
      result.modules.map((m) => m.path),
      ["dir/deeper/leaf.js", "dir/sub.ts", "messages.ts"],
    );
    assert.equal(result.schemaFile, path.join(p.dir, "convex/schema.ts"));
    assert.equal(result.authConfigFile, path.join(p.dir, "convex/auth.config.ts"));
    assert.deepEqual(result.warnings, []);
  });

  test("files under _deps are an error naming the file", () => {
    const p = project({ "convex/ok.ts": MODULE, "convex/_deps/lib.ts": MODULE });
    const result = selectEntryPoints(path.join(p.dir, "convex"));
    assert.ok(!result.ok);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0]?.file, path.join(p.dir, "convex/_deps/lib.ts"));
    assert.match(result.errors[0]?.text ?? "", /within the "_deps" directory, which is reserved for dependencies/);
  });

  test('"use node" sets the environment and is refused in http.ts', () => {
    const p = project({
      "convex/nodeAction.ts": '"use node";\nexport const x = 1;\n',
      "convex/plain.ts": MODULE,
      "convex/http.ts": "'use node'\nexport default 1;\n",
    });
    const result = selectEntryPoints(path.join(p.dir, "convex"));
    assert.ok(!result.ok);
    assert.deepEqual(
      result.errors.map((e) => e.text),
      ['"use node" directive is not allowed for http.ts.'],
    );

    p.write("convex/http.ts", "export default 1;\n");
    const fixed = selectEntryPoints(path.join(p.dir, "convex"));
    assert.ok(fixed.ok);
    assert.deepEqual(
      fixed.modules.map((m) => [m.path, m.environment]),
      [
        ["http.ts", "isolate"],
        ["nodeAction.ts", "node"],
        ["plain.ts", "isolate"],
      ],
    );
  });

  test('actions/ without "use node" is an error, as in the CLI', () => {
    const p = project({ "convex/actions/send.ts": MODULE });
    const result = selectEntryPoints(path.join(p.dir, "convex"));
    assert.ok(!result.ok);
    assert.match(result.errors[0]?.text ?? "", /is in \/actions subfolder but has no "use node"/);
  });

  test("two sources for one module name are reported clearly", () => {
    const p = project({ "convex/http.ts": MODULE, "convex/http.js": MODULE });
    const result = selectEntryPoints(path.join(p.dir, "convex"));
    assert.ok(!result.ok);
    assert.match(result.errors[0]?.text ?? "", /http\.js and http\.ts would both become the module http\.js/);
  });

  test("both auth.config.ts and auth.config.js is an error", () => {
    const p = project({ "convex/auth.config.ts": MODULE, "convex/auth.config.js": MODULE });
    const result = selectEntryPoints(path.join(p.dir, "convex"));
    assert.ok(!result.ok);
    assert.match(result.errors[0]?.text ?? "", /^Found both .*auth\.config\.js and .*auth\.config\.ts, choose one\.$/);
  });

  test("https.ts importing httpRouter gets the CLI's warning", () => {
    const p = project({ "convex/https.ts": 'import { httpRouter } from "convex/server";\nexport default httpRouter();\n' });
    const result = selectEntryPoints(path.join(p.dir, "convex"));
    assert.ok(result.ok);
    assert.match(result.warnings[0]?.text ?? "", /Did you mean to include http\.ts\?/);
  });
});

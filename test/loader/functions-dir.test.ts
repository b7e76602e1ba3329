import assert from "node:assert/strict";
import path from "node:path";
import { after, test } from "node:test";
import { findFunctionsDir, findHttpFile } from "../../runtime/loader/functions-dir.js";
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

test("defaults to convex/ without convex.json", () => {
  const p = project({ "convex/a.ts": "export {};\n" });
  const result = findFunctionsDir(p.dir);
  assert.ok(result.ok);
  assert.equal(result.functionsDir, path.join(p.dir, "convex"));
  assert.equal(result.configFile, null);
});

test("reads `functions` from convex.json", () => {
  const p = project({ "convex.json": '{ "functions": "backend/fns/" }', "backend/fns/a.ts": "export {};\n" });
  const result = findFunctionsDir(p.dir);
  assert.ok(result.ok);
  assert.equal(result.functionsDir, path.join(p.dir, "backend/fns"));
  assert.equal(result.configFile, path.join(p.dir, "convex.json"));
});

test("create-react-app projects default to src/convex/, like the CLI", () => {
  const p = project({ "package.json": '{ "dependencies": { "react-scripts": "5" } }', "src/convex/a.ts": "export {};\n" });
  const result = findFunctionsDir(p.dir);
  assert.ok(result.ok);
  assert.equal(result.functionsDir, path.join(p.dir, "src/convex"));
});

test("a missing folder is a clear error", () => {
  const p = project({ "convex.json": '{ "functions": "nope/" }' });
  const result = findFunctionsDir(p.dir);
  assert.ok(!result.ok);
  assert.equal(result.error.file, path.join(p.dir, "convex.json"));
  assert.match(result.error.text, /Convex functions folder not found: nope\/\. .*change "functions" in convex\.json/);

  const bare = project({});
  const noConfig = findFunctionsDir(bare.dir);
  assert.ok(!noConfig.ok);
  assert.match(noConfig.error.text, /Convex functions folder not found: convex\//);
});

test("invalid convex.json points at the line and column", () => {
  const p = project({ "convex.json": '{\n  "functions": "convex/",\n  oops\n}\n', "convex/a.ts": "export {};\n" });
  const result = findFunctionsDir(p.dir);
  assert.ok(!result.ok);
  assert.match(result.error.text, /^Could not parse convex\.json: /);
  assert.equal(result.error.line, 3);
  assert.equal(result.error.column, 3);
});

test("`functions` must be a string", () => {
  const p = project({ "convex.json": '{ "functions": 3 }' });
  const result = findFunctionsDir(p.dir);
  assert.ok(!result.ok);
  assert.match(result.error.text, /`functions` in `convex.json` must be a string/);
});

test("findHttpFile finds http.ts or http.js at the top of the folder only", () => {
  const p = project({ "convex/a.ts": "export {};\n", "convex/dir/http.ts": "export {};\n" });
  const dir = path.join(p.dir, "convex");
  assert.equal(findHttpFile(dir), null);
  p.write("convex/http.js", "export default 1;\n");
  assert.equal(findHttpFile(dir), path.join(dir, "http.js"));
  p.write("convex/http.ts", "export default 1;\n");
  assert.equal(findHttpFile(dir), path.join(dir, "http.ts"));
});

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { buildProject, type BuildResult, type BuildSuccess } from "../../runtime/loader/build.js";
import { BUILD_ROOT, newBuildDir, pruneBuilds } from "../../runtime/loader/build-dirs.js";
import { HTTP_TS, makeProject, type FixtureProject } from "./fixture-project.js";

// Stack traces in built modules must name the TypeScript sources, as the worker will see them.
process.setSourceMapsEnabled(true);

const projects: FixtureProject[] = [];
after(() => {
  for (const p of projects) p.remove();
});
function project(files: Record<string, string>, opts: { linkConvex?: boolean } = {}): FixtureProject {
  const p = makeProject(files, opts);
  projects.push(p);
  return p;
}

async function build(p: FixtureProject): Promise<BuildResult> {
  return buildProject({ projectDir: p.dir, outDir: newBuildDir(p.dir).outDir });
}

async function buildOk(p: FixtureProject): Promise<BuildSuccess> {
  const result = await build(p);
  if (!result.ok) assert.fail(`build failed: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

// Relies on a fresh outDir per build: Node never re-evaluates a URL it has imported.
// biome-ignore lint/suspicious/noExplicitAny: the exports of a built user module, called as the test needs.
async function load(result: BuildSuccess, modulePath: string): Promise<Record<string, any>> {
  const mod = result.modules.find((m) => m.path === modulePath);
  assert.ok(mod, `no module ${modulePath}`);
  return import(pathToFileURL(mod.outFile).href);
}

describe("a project without _generated and without node_modules", () => {
  let p: FixtureProject;
  let result: BuildSuccess;
  before(async () => {
    p = project({
      "convex/http.ts": HTTP_TS,
      "convex/messages.ts": `import { query, internalMutation, env } from "./_generated/server";
import { api, internal, components } from "./_generated/api";
import { getFunctionName } from "convex/server";
export const list = query({ args: {}, handler: async () => [] });
export const clear = internalMutation({ args: {}, handler: async () => null });
export const names = () => [getFunctionName(api.messages.list), getFunctionName(internal.dir.sub.fn)];
export const hasComponents = () => components !== undefined;
export const readEnv = (key: string) => env[key];
`,
      "convex/dir/sub.ts": `import { action } from "../_generated/server";
export const fn = action({ args: {}, handler: async () => 1 });
`,
      "convex/schema.ts": `import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
export default defineSchema({ messages: defineTable({ body: v.string() }).index("by_body", ["body"]) });
`,
      "convex/auth.config.ts": `export default { providers: [{ domain: "https://issuer.example", applicationID: "convex" }] };\n`,
      "convex/boomAtImport.ts": `export const x = 1;\nthrow new Error("thrown while importing");\n`,
    });
    result = await buildOk(p);
  });

  test("reports what it built and with which packages", () => {
    assert.deepEqual(
      result.modules.map((m) => m.path),
      ["boomAtImport.ts", "dir/sub.ts", "http.ts", "messages.ts"],
    );
    assert.equal(result.buildId, path.basename(result.outDir));
    assert.equal(result.outDir, path.join(p.dir, BUILD_ROOT, result.buildId));
    assert.equal(result.functionsDir, path.join(p.dir, "convex"));
    assert.equal(result.httpModule, "http.ts");
    assert.equal(result.modules.find((m) => m.path === "dir/sub.ts")?.outFile, path.join(result.outDir, "dir/sub.js"));
    assert.equal(result.schemaFile, path.join(result.outDir, "schema.js"));
    assert.equal(result.authConfigFile, path.join(result.outDir, "auth.config.js"));
    // Nothing installed in the project: convex comes from our node_modules, bundled in.
    assert.equal(result.convexSource, "bundled");
    assert.equal(result.convexVersion, "1.48.0");
    assert.equal(result.esbuildSource, "bundled");
    assert.deepEqual(result.warnings, []);
    assert.ok(result.inputs.includes(path.join(p.dir, "convex/http.ts")));
    assert.ok(result.inputs.every((f) => !f.includes("node_modules")));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(result.outDir, "package.json"), "utf8")).type, "module");
  });

  test("the synthesized _generated/server makes a working router", async () => {
    const http = (await load(result, "http.ts")).default;
    assert.equal(http.isRouter, true);
    assert.deepEqual(
      http
        .getRoutes()
        .map((route: unknown[]) => route.slice(0, 2))
        .sort(),
      [
        ["/boom", "GET"],
        ["/hello", "GET"],
      ],
    );
  });

  test("the synthesized _generated/api names functions like codegen's", async () => {
    const messages = await load(result, "messages.ts");
    assert.deepEqual(messages.names(), ["messages:list", "dir/sub:fn"]);
    assert.equal(messages.list.isQuery, true);
    assert.equal(messages.list.isPublic, true);
    assert.equal(messages.clear.isInternal, true);
    assert.equal(messages.hasComponents(), true);
    process.env.CONVEX_LENS_TEST_VAR = "live";
    assert.equal(messages.readEnv("CONVEX_LENS_TEST_VAR"), "live");
    const sub = await load(result, "dir/sub.ts");
    assert.equal(sub.fn.isAction, true);
  });

  test("schema and auth config are built as separate modules", async () => {
    const schema = (await import(pathToFileURL(result.schemaFile as string).href)).default;
    assert.deepEqual(Object.keys(schema.tables), ["messages"]);
    const auth = (await import(pathToFileURL(result.authConfigFile as string).href)).default;
    assert.equal(auth.providers[0].domain, "https://issuer.example");
  });

  test("stack traces point into the TypeScript sources", async () => {
    const importError = await load(result, "boomAtImport.ts").then(
      () => assert.fail("import should throw"),
      (err: Error) => err,
    );
    assert.match(importError.stack ?? "", /convex\/boomAtImport\.ts:2:7\b/);

    const http = (await load(result, "http.ts")).default;
    const boom = http.getRoutes().find((route: unknown[]) => route[0] === "/boom")[2];
    const handlerError = await boom.invokeHttpAction(new Request("http://localhost/boom")).then(
      () => assert.fail("handler should throw"),
      (err: Error) => err,
    );
    assert.match(handlerError.stack ?? "", new RegExp(`${p.dir}/convex/http\\.ts:12:11\\b`));
  });
});

describe("a project with convex installed", () => {
  test("keeps convex external so Node loads the project's copy", async () => {
    const p = project({ "convex/http.ts": HTTP_TS }, { linkConvex: true });
    const result = await buildOk(p);
    assert.equal(result.convexSource, "workspace");
    assert.equal(result.convexVersion, "1.48.0");
    // esbuild is found through the project's convex, as in a real install.
    assert.equal(result.esbuildSource, "workspace");
    const output = fs
      .readdirSync(result.outDir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".js"))
      .map((f) => fs.readFileSync(path.join(result.outDir, f), "utf8"))
      .join("\n");
    assert.match(output, /from "convex\/server"/);
    const http = (await load(result, "http.ts")).default;
    assert.equal(http.isRouter, true);
  });
});

describe("existing _generated files", () => {
  test("are used instead of the stand-ins", async () => {
    const p = project({
      "convex/_generated/api.ts": `import { anyApi } from "convex/server";
export const api = anyApi;
export const internal = anyApi;
export const madeByCodegen = true;
`,
      "convex/_generated/server.js": `export { queryGeneric as query } from "convex/server";\nexport const madeByCodegen = "server";\n`,
      "convex/messages.ts": `import { madeByCodegen } from "./_generated/api";
import { query, madeByCodegen as serverMark } from "./_generated/server.js";
export const marks = () => [madeByCodegen, serverMark];
export const list = query({ args: {}, handler: async () => [] });
`,
    });
    const result = await buildOk(p);
    assert.ok(result.inputs.includes(path.join(p.dir, "convex/_generated/api.ts")));
    const messages = await load(result, "messages.ts");
    assert.deepEqual(messages.marks(), [true, "server"]);
  });
});

describe("bundling details", () => {
  test("tsconfig paths and server-only resolve; shared code is split into _deps", async () => {
    const p = project({
      "tsconfig.json": '{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] } } }',
      "src/shared.ts": `import "server-only";\nexport const counter = { n: 0 };\n`,
      "convex/a.ts": `import { counter } from "@/shared";\nexport const bump = () => ++counter.n;\n`,
      "convex/b.ts": `import { counter } from "@/shared";\nexport const read = () => counter.n;\n`,
    });
    const result = await buildOk(p);
    assert.ok(result.inputs.includes(path.join(p.dir, "src/shared.ts")));
    const a = await load(result, "a.ts");
    const b = await load(result, "b.ts");
    a.bump();
    assert.equal(b.read(), 1, "both modules share one instance of src/shared.ts");
    assert.ok(fs.readdirSync(path.join(result.outDir, "_deps")).some((f) => f.endsWith(".js")));
  });

  test("with our fallback convex, other packages stay external rather than taken from our node_modules", async () => {
    // hono is in our node_modules, not the project's: the user's import must not silently get ours.
    const p = project({
      "convex/a.ts": `import { Hono } from "hono";\nimport { v } from "convex/values";\nexport const make = () => [Hono, v];\n`,
    });
    const result = await buildOk(p);
    assert.equal(result.convexSource, "bundled");
    const output = fs.readFileSync(path.join(result.outDir, "a.js"), "utf8");
    assert.match(output, /from "hono"/);
    assert.doesNotMatch(output, /from "convex\/values"/);
  });

  test('warns about Node built-ins imported without "use node"', async () => {
    const p = project({
      "src/lib.ts": `import { readFileSync } from "node:fs";\nexport const read = readFileSync;\n`,
      "convex/query.ts": `import { read } from "../src/lib";\nexport const x = read;\n`,
      "convex/nodeAction.ts": `"use node";\nimport crypto from "crypto";\nexport const y = crypto;\n`,
    });
    const result = await buildOk(p);
    assert.equal(result.warnings.length, 1);
    const warning = result.warnings[0];
    assert.equal(warning?.file, path.join(p.dir, "src/lib.ts"));
    assert.equal(warning?.line, 1);
    assert.match(warning?.text ?? "", /imports the Node\.js module "node:fs" \(reached from convex\/query\.ts\)/);
  });
});

describe("errors", () => {
  test("a syntax error maps to file, line and column", async () => {
    const p = project({
      "convex/ok.ts": "export const ok = 1;\n",
      "convex/bad.ts": `export const fine = 1;\nexport const greeting = "héllo" + (;\n`,
    });
    const result = await build(p);
    assert.ok(!result.ok);
    assert.equal(result.errors.length, 1);
    const error = result.errors[0];
    const lineText = `export const greeting = "héllo" + (;`;
    assert.deepEqual(
      { file: error?.file, line: error?.line, column: error?.column, lineText: error?.lineText },
      { file: path.join(p.dir, "convex/bad.ts"), line: 2, column: lineText.indexOf(";") + 1, lineText },
    );
    assert.match(error?.text ?? "", /Unexpected ";"/);
    // Failed builds leave no folder behind.
    assert.deepEqual(fs.readdirSync(path.join(p.dir, BUILD_ROOT)), []);
  });

  test("a missing import is reported where it is imported", async () => {
    const p = project({ "convex/a.ts": `export const x = 1;\nimport { y } from "./missing";\nexport const z = y;\n` });
    const result = await build(p);
    assert.ok(!result.ok);
    assert.equal(result.errors[0]?.line, 2);
    assert.match(result.errors[0]?.text ?? "", /Could not resolve "\.\/missing"/);
  });

  test("_deps and bad convex.json fail before esbuild runs", async () => {
    const deps = project({ "convex/_deps/x.ts": "export {};\n" });
    const depsResult = await build(deps);
    assert.ok(!depsResult.ok);
    assert.match(depsResult.errors[0]?.text ?? "", /reserved for dependencies/);

    const badConfig = project({ "convex.json": "{ nope", "convex/a.ts": "export {};\n" });
    const configResult = await build(badConfig);
    assert.ok(!configResult.ok);
    assert.equal(configResult.errors[0]?.file, path.join(badConfig.dir, "convex.json"));
  });

  test("the build folder must be inside the project and not someone else's", async () => {
    const p = project({ "convex/a.ts": "export {};\n" });
    const outside = await buildProject({ projectDir: p.dir, outDir: path.join(path.dirname(p.dir), "elsewhere") });
    assert.ok(!outside.ok);
    assert.match(outside.errors[0]?.text ?? "", /must be inside the project/);

    p.write("out/keep.txt", "user data");
    const occupied = await buildProject({ projectDir: p.dir, outDir: path.join(p.dir, "out") });
    assert.ok(!occupied.ok);
    assert.match(occupied.errors[0]?.text ?? "", /not empty and was not written by Convex Lens/);
    assert.ok(fs.existsSync(path.join(p.dir, "out/keep.txt")));
  });
});

test("pruneBuilds keeps the folders asked for and deletes other builds", async () => {
  const p = project({ "convex/a.ts": "export const a = 1;\n" });
  const first = await buildOk(p);
  const second = await buildOk(p);
  const third = await buildOk(p);
  const root = path.join(p.dir, BUILD_ROOT);
  fs.mkdirSync(path.join(root, "not-ours"));
  const removed = pruneBuilds(root, [second.outDir, third.outDir]);
  assert.deepEqual(removed, [first.outDir]);
  assert.deepEqual(fs.readdirSync(root).sort(), [second.buildId, third.buildId, "not-ours"].sort());
});

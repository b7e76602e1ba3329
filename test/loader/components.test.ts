import assert from "node:assert/strict";
import { createHook } from "node:async_hooks";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  buildProject,
  type BuildFailure,
  type BuildResult,
  type BuildSuccess,
  type ComponentInstanceBuild,
} from "../../runtime/loader/build.js";
import { newBuildDir } from "../../runtime/loader/build-dirs.js";
import { makeProject, type FixtureProject } from "./fixture-project.js";

// Stack traces in built modules must name the TypeScript sources, as the worker will see them.
process.setSourceMapsEnabled(true);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FIXTURE = path.join(REPO, "test/fixtures/components-app");
const FIXTURE_CONVEX = path.join(FIXTURE, "convex");
const NODE_MODULES = path.join(REPO, "node_modules");

const cleanups: Array<() => void> = [];
after(() => {
  for (const cleanup of cleanups) cleanup();
});

function project(files: Record<string, string>): FixtureProject {
  const p = makeProject(files, { linkConvex: true });
  cleanups.push(p.remove);
  return p;
}

/** An esbuild that records the options of every build it runs, loaded through BuildOptions.esbuildPath. */
function recordingEsbuild(): { path: string; builds: Array<Record<string, unknown>> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "convex-lens-esbuild-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "esbuild.cjs");
  fs.writeFileSync(
    file,
    `const real = require(${JSON.stringify(path.join(NODE_MODULES, "esbuild"))});
const builds = [];
module.exports = { ...real, builds, build: (options) => { builds.push(options); return real.build(options); } };
`,
  );
  return { path: file, builds: createRequire(import.meta.url)(file).builds };
}

async function build(projectDir: string, extra: { env?: Record<string, string>; esbuildPath?: string } = {}): Promise<BuildResult> {
  const { outDir } = newBuildDir(projectDir);
  cleanups.push(() => fs.rmSync(outDir, { recursive: true, force: true }));
  return buildProject({ projectDir, outDir, ...extra });
}

async function buildOk(projectDir: string, extra: { env?: Record<string, string>; esbuildPath?: string } = {}): Promise<BuildSuccess> {
  const result = await build(projectDir, extra);
  if (!result.ok) assert.fail(`build failed: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

async function buildFails(p: FixtureProject, env?: Record<string, string>): Promise<BuildFailure> {
  const result = await build(p.dir, env ? { env } : {});
  assert.equal(result.ok, false, "the build should fail");
  return result as BuildFailure;
}

function instance(result: BuildSuccess, instancePath: string): ComponentInstanceBuild {
  const found = result.components.find((c) => c.path === instancePath);
  assert.ok(found, `no instance ${instancePath} in ${result.components.map((c) => c.path).join(", ")}`);
  return found;
}

function outFile(c: ComponentInstanceBuild, modulePath: string): string {
  const mod = c.modules.find((m) => m.path === modulePath);
  assert.ok(mod, `no module ${modulePath} in ${c.path}`);
  return mod.outFile;
}

const COUNTER_CONFIG = `import { defineComponent } from "convex/server";
export default defineComponent("counter");
`;
/** An app config: defineApp() on line 3, `uses` from line 4. */
const appUsing = (imports: string, uses: string) => `import { defineApp } from "convex/server";
${imports}
const app = defineApp();
${uses}
export default app;
`;
const COUNTER_MODULE = `import { query } from "./_generated/server";
export const get = query({ args: {}, handler: async () => 1 });
`;

describe("the components-app fixture", () => {
  let result: BuildSuccess;
  let esbuild: ReturnType<typeof recordingEsbuild>;
  before(async () => {
    esbuild = recordingEsbuild();
    result = await buildOk(FIXTURE, { env: { SHELF_LABEL: "books" }, esbuildPath: esbuild.path });
  });

  test("lists every install, the app first and parents before children", () => {
    assert.deepEqual(
      result.components.map((c) => c.path),
      [
        "",
        "counter",
        "counter2",
        "shelf",
        "shelf/items",
        "rateLimiter",
        "rateLimiter/batchWorker",
        "rateLimiter2",
        "rateLimiter2/batchWorker",
        "twilio",
      ],
    );
  });

  test("the app install is the app's own build, with its children, mounts and declared env", () => {
    const app = instance(result, "");
    assert.equal(app.definitionPath, null);
    assert.equal(app.definitionDir, FIXTURE_CONVEX);
    assert.equal(app.defaultName, "");
    assert.equal(app.outDir, result.outDir);
    assert.deepEqual(app.modules, result.modules);
    assert.deepEqual(
      app.modules.map((m) => m.path),
      ["messages.ts"],
    );
    assert.equal(app.schemaFile, result.schemaFile);
    assert.equal(app.httpModule, null);
    assert.deepEqual(app.children, {
      counter: "counter",
      counter2: "counter2",
      shelf: "shelf",
      rateLimiter: "rateLimiter",
      rateLimiter2: "rateLimiter2",
      twilio: "twilio",
    });
    assert.deepEqual(app.httpMounts, { "/count2/": "counter2", "/shelf/": "shelf" });
    assert.equal(app.httpPrefix, null);
    assert.deepEqual(app.env, {});
    assert.deepEqual(app.declaredEnv, [{ name: "SHELF_LABEL", optional: false }]);
  });

  test("a local component installed twice: same definition, own name, env and mount", () => {
    const counter = instance(result, "counter");
    const counter2 = instance(result, "counter2");
    for (const c of [counter, counter2]) {
      assert.equal(c.definitionPath, "counter");
      assert.equal(c.definitionDir, path.join(FIXTURE_CONVEX, "counter"));
      assert.equal(c.defaultName, "counter");
      assert.deepEqual(c.declaredEnv, [{ name: "START", optional: true }]);
      assert.deepEqual(
        c.modules.map((m) => m.path),
        ["http.ts", "public.ts", "state.ts"],
      );
      assert.equal(c.httpModule, "http.ts");
      assert.deepEqual(c.children, {});
      assert.ok(c.schemaFile !== null && fs.existsSync(c.schemaFile));
    }
    assert.deepEqual(counter.env, {});
    assert.equal(counter.httpPrefix, null);
    assert.deepEqual(counter2.env, { START: { type: "value", value: "10" } });
    assert.equal(counter2.httpPrefix, "/count2/");
  });

  test("a nested local component: env bound to the parent's variable, mount inside the parent", () => {
    const shelf = instance(result, "shelf");
    assert.equal(shelf.definitionPath, "shelf");
    assert.equal(shelf.defaultName, "shelf");
    assert.deepEqual(shelf.env, { LABEL: { type: "envVar", name: "SHELF_LABEL" } });
    assert.equal(shelf.httpPrefix, "/shelf/");
    assert.deepEqual(shelf.children, { items: "shelf/items" });
    assert.deepEqual(shelf.httpMounts, { "/items/": "shelf/items" });
    assert.equal(shelf.schemaFile, null);
    assert.deepEqual(
      shelf.modules.map((m) => m.path),
      ["books.ts"],
    );

    const items = instance(result, "shelf/items");
    assert.equal(items.definitionPath, "counter");
    assert.deepEqual(items.env, { START: { type: "envVar", name: "LABEL" } });
    assert.equal(items.httpPrefix, "/items/");
  });

  test("npm components resolve through package exports, with their nested batchWorker", () => {
    const rateLimiterDir = path.join(NODE_MODULES, "@convex-dev/rate-limiter/dist/component");
    // rate-limiter's dependency, hoisted by npm.
    const batchWorkerDir = path.join(NODE_MODULES, "@convex-dev/batch-worker/dist/component");
    for (const name of ["rateLimiter", "rateLimiter2"]) {
      const rl = instance(result, name);
      assert.equal(rl.definitionDir, rateLimiterDir);
      assert.equal(rl.definitionPath, path.relative(FIXTURE_CONVEX, rateLimiterDir));
      assert.ok(rl.definitionPath?.startsWith("../") && rl.definitionPath.endsWith("node_modules/@convex-dev/rate-limiter/dist/component"));
      assert.equal(rl.defaultName, "rateLimiter");
      assert.deepEqual(rl.children, { batchWorker: `${name}/batchWorker` });
      assert.deepEqual(
        rl.modules.map((m) => m.path),
        ["internal.js", "lib.js", "time.js", "worker.js"],
      );

      const bw = instance(result, `${name}/batchWorker`);
      assert.equal(bw.definitionDir, batchWorkerDir);
      assert.equal(bw.defaultName, "batchWorker");
      assert.deepEqual(bw.declaredEnv, [{ name: "LOG_LEVEL", optional: true }]);
      assert.deepEqual(bw.env, {});
    }
    const twilio = instance(result, "twilio");
    assert.equal(twilio.definitionDir, path.join(NODE_MODULES, "@convex-dev/twilio/dist/component"));
    assert.equal(twilio.defaultName, "twilio");
    assert.deepEqual(
      twilio.modules.map((m) => m.path),
      ["messages.js", "phone_numbers.js", "utils.js"],
    );
    assert.ok(twilio.schemaFile !== null && fs.existsSync(twilio.schemaFile));
  });

  test("each definition is bundled once, however many times it is installed", () => {
    // The builds that write files: the app's, then one per definition (configs are bundled in memory).
    const written = esbuild.builds.filter((options) => options.write !== false).map((options) => options.outbase as string);
    assert.deepEqual(
      [...written].sort(),
      [
        FIXTURE_CONVEX,
        path.join(FIXTURE_CONVEX, "counter"),
        path.join(FIXTURE_CONVEX, "shelf"),
        instance(result, "rateLimiter/batchWorker").definitionDir,
        instance(result, "rateLimiter").definitionDir,
        instance(result, "twilio").definitionDir,
      ].sort(),
    );
  });

  test("each install has its own copy of the files", () => {
    const copies = ["counter", "counter2", "shelf/items"].map((p) => outFile(instance(result, p), "state.ts"));
    assert.equal(new Set(copies).size, 3);
    for (const copy of copies) assert.equal(fs.readFileSync(copy, "utf8"), fs.readFileSync(copies[0] as string, "utf8"));
    const batchWorkers = ["rateLimiter/batchWorker", "rateLimiter2/batchWorker"].map((p) => outFile(instance(result, p), "lib.js"));
    assert.notEqual(batchWorkers[0], batchWorkers[1]);
    assert.ok(batchWorkers.every((file) => fs.existsSync(file)));
    for (const c of result.components.slice(1)) {
      assert.ok(c.outDir.startsWith(result.outDir + path.sep), `${c.path} is built inside the build folder`);
    }
  });

  test("importing two installs gives two module instances", async () => {
    const [a, b] = await Promise.all(
      ["counter", "counter2"].map((p) => import(pathToFileURL(outFile(instance(result, p), "state.ts")).href)),
    );
    assert.notEqual(a, b);
    assert.equal(a.timesLoaded(), 1);
    assert.equal(b.timesLoaded(), 1);
    const [publicA, publicB] = await Promise.all(
      ["counter", "counter2"].map((p) => import(pathToFileURL(outFile(instance(result, p), "public.ts")).href)),
    );
    assert.notEqual(publicA.add, publicB.add);
    assert.equal(typeof publicA.add.invokeMutation, "function");
    // An npm component's modules load too, with their dependencies bundled in.
    const lib = await import(pathToFileURL(outFile(instance(result, "rateLimiter2"), "lib.js")).href);
    assert.equal(typeof lib.rateLimit, "function");
  });

  test("the source maps of a copy map stack frames to the component's source", async () => {
    const copy = outFile(instance(result, "shelf/items"), "state.ts");
    const state = await import(pathToFileURL(copy).href);
    assert.throws(
      () => state.fail(),
      (err: Error) => {
        assert.match(err.stack ?? "", new RegExp(`${escapeRegExp(path.join(FIXTURE_CONVEX, "counter", "state.ts"))}:11:`));
        return true;
      },
    );
  });

  test("the watcher inputs include the configs and local component sources, not node_modules", () => {
    for (const file of [
      "convex.config.ts",
      "counter/convex.config.ts",
      "counter/state.ts",
      "counter/schema.ts",
      "shelf/convex.config.ts",
      "shelf/books.ts",
      "messages.ts",
    ]) {
      assert.ok(result.inputs.includes(path.join(FIXTURE_CONVEX, file)), `inputs include ${file}`);
    }
    assert.ok(result.inputs.every((file) => !file.includes(`${path.sep}node_modules${path.sep}`)));
  });
});

describe("projects without components", () => {
  test("the app is the only install", async () => {
    const p = project({ "convex/messages.ts": COUNTER_MODULE });
    const result = await buildOk(p.dir);
    assert.deepEqual(result.components, [
      {
        path: "",
        definitionPath: null,
        definitionDir: path.join(p.dir, "convex"),
        defaultName: "",
        children: {},
        env: {},
        declaredEnv: [],
        httpPrefix: null,
        httpMounts: {},
        modules: result.modules,
        schemaFile: null,
        httpModule: null,
        outDir: result.outDir,
      },
    ]);
  });
});

describe("config evaluation", () => {
  test("the app's config sees the env it is given; defineApp's httpPrefix is kept", async () => {
    const p = project({
      "convex/convex.config.ts": `import { defineApp } from "convex/server";
import counter from "./counter/convex.config.js";
const app = defineApp({ httpPrefix: "/api" });
app.use(counter, { name: process.env.COUNTER_NAME });
export default app;
`,
      "convex/counter/convex.config.ts": COUNTER_CONFIG,
      "convex/counter/get.ts": COUNTER_MODULE,
    });
    const result = await buildOk(p.dir, { env: { COUNTER_NAME: "fromEnv" } });
    assert.deepEqual(
      result.components.map((c) => c.path),
      ["", "fromEnv"],
    );
    assert.equal(result.components[0]?.httpPrefix, "/api/");
  });

  test("convex.config.js works like .ts, and a component may live outside the functions folder", async () => {
    const p = project({
      "convex/convex.config.js": appUsing(`import counter from "../components/counter/convex.config.js";`, "app.use(counter);"),
      "components/counter/convex.config.js": COUNTER_CONFIG,
      "components/counter/get.ts": COUNTER_MODULE,
    });
    const result = await buildOk(p.dir);
    assert.deepEqual(
      result.components.map((c) => [c.path, c.definitionPath]),
      [
        ["", null],
        ["counter", "../components/counter"],
      ],
    );
    assert.ok(result.inputs.includes(path.join(p.dir, "components/counter/get.ts")));
    assert.ok(result.inputs.includes(path.join(p.dir, "components/counter/convex.config.js")));
  });

  test("without its own convex the project's components are built with ours, and load", async () => {
    const p = makeProject({
      "convex/convex.config.ts": appUsing(`import counter from "./counter/convex.config";`, "app.use(counter);"),
      "convex/counter/convex.config.ts": COUNTER_CONFIG,
      "convex/counter/get.ts": COUNTER_MODULE,
    });
    cleanups.push(p.remove);
    const result = await buildOk(p.dir);
    assert.equal(result.convexSource, "bundled");
    const get = await import(pathToFileURL(outFile(instance(result, "counter"), "get.ts")).href);
    assert.equal(typeof get.get.invokeQuery, "function");
  });
});

describe("config errors", () => {
  /** A project whose app config imports ./counter as `counter` and then runs `uses` (from line 4). */
  const counterProject = (uses: string, files: Record<string, string> = {}) =>
    project({
      "convex/convex.config.ts": appUsing(`import counter from "./counter/convex.config";`, uses),
      "convex/counter/convex.config.ts": COUNTER_CONFIG,
      "convex/counter/get.ts": COUNTER_MODULE,
      ...files,
    });

  test("a component package that is not installed", async () => {
    const p = project({
      "convex/convex.config.ts": appUsing(`import missing from "@convex-dev/not-installed/convex.config.js";`, "app.use(missing);"),
    });
    const { errors } = await buildFails(p);
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0]?.text,
      'Could not resolve "@convex-dev/not-installed/convex.config.js": is it installed? Run `npm install @convex-dev/not-installed`',
    );
    assert.equal(errors[0]?.file, path.join(p.dir, "convex/convex.config.ts"));
    assert.equal(errors[0]?.line, 2);
    assert.equal(errors[0]?.column, 21);
  });

  test("a config that throws: its message at its line", async () => {
    const p = counterProject("app.use(counter);", {
      "convex/counter/convex.config.ts": `import { defineComponent } from "convex/server";
const component = defineComponent("counter");
if (component) throw new TypeError("the counter is broken");
export default component;
`,
    });
    const { errors } = await buildFails(p);
    assert.equal(errors.length, 1);
    assert.match(
      errors[0]?.text ?? "",
      /^Uncaught TypeError: the counter is broken \(while evaluating convex\/counter\/convex\.config\.ts\)$/,
    );
    assert.equal(errors[0]?.file, path.join(p.dir, "convex/counter/convex.config.ts"));
    assert.equal(errors[0]?.line, 3);
    assert.equal(errors[0]?.lineText, `if (component) throw new TypeError("the counter is broken");`);
  });

  test("an error convex raises in use() points at the use() call", async () => {
    const p = counterProject(`app.use(counter, { httpPrefix: "count" });`);
    const { errors } = await buildFails(p);
    assert.equal(
      errors[0]?.text,
      'Uncaught Error: httpPrefix must start with "/". Received: "count" (while evaluating convex/convex.config.ts)',
    );
    assert.equal(errors[0]?.file, path.join(p.dir, "convex/convex.config.ts"));
    assert.equal(errors[0]?.line, 4);
  });

  test("a cycle between component definitions", async () => {
    const p = project({
      "convex/convex.config.ts": appUsing(`import a from "./a/convex.config";`, "app.use(a);"),
      "convex/a/convex.config.ts": `import { defineComponent } from "convex/server";
import b from "../b/convex.config";
const a = defineComponent("a");
a.use(b);
export default a;
`,
      "convex/b/convex.config.ts": `import { defineComponent } from "convex/server";
import a from "../a/convex.config";
const b = defineComponent("b");
b.use(a);
export default b;
`,
    });
    const { errors } = await buildFails(p);
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0]?.text,
      "Found cyclic definition dependency: convex/a/convex.config.ts imports convex/b/convex.config.ts imports convex/a/convex.config.ts. " +
        "A component cannot use itself, directly or through other components.",
    );
    assert.equal(errors[0]?.file, path.join(p.dir, "convex/a/convex.config.ts"));
    assert.equal(errors[0]?.line, 2);
  });

  test("an invalid component name, at the use() that gives it", async () => {
    const p = counterProject(`app.use(counter);\napp.use(counter, { name: "my-counter" });`);
    const { errors } = await buildFails(p);
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0]?.text,
      `Invalid component name "my-counter": Identifier my-counter has invalid character '-': Identifiers can only contain alphanumeric characters or underscores. Pass a valid one with use(component, { name: "…" }).`,
    );
    assert.equal(errors[0]?.file, path.join(p.dir, "convex/convex.config.ts"));
    assert.equal(errors[0]?.line, 5);
    assert.equal(errors[0]?.lineText, `app.use(counter, { name: "my-counter" });`);
  });

  test("an invalid defineComponent name", async () => {
    const p = counterProject(`app.use(counter, { name: "counter" });`, {
      "convex/counter/convex.config.ts": `import { defineComponent } from "convex/server";\nexport default defineComponent("9lives");\n`,
    });
    const { errors } = await buildFails(p);
    assert.equal(
      errors[0]?.text,
      `Invalid component name "9lives" in defineComponent: Invalid first character '9' in 9lives: Identifiers must start with an alphabetic character or underscore`,
    );
    assert.equal(errors[0]?.file, path.join(p.dir, "convex/counter/convex.config.ts"));
    assert.equal(errors[0]?.line, 2);
  });

  test("two installs with the same name", async () => {
    const p = counterProject(`app.use(counter);\napp.use(counter);`);
    const { errors } = await buildFails(p);
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0]?.text,
      `A component named "counter" is already installed here: each use() needs its own name. Pass a different one with use(component, { name: "…" }).`,
    );
    assert.equal(errors[0]?.line, 5);
  });

  test("a default export that is not a definition", async () => {
    const app = project({ "convex/convex.config.ts": `export default { components: [] };\n` });
    assert.equal(
      (await buildFails(app)).errors[0]?.text,
      "The default export of `convex.config.ts` in your app has an invalid value (missing `export` property on the default export of `convex.config.ts`). " +
        "Please make sure that you’re exporting the return value of `defineApp()` (`import { defineApp } from 'convex/server'`).",
    );

    const component = counterProject("app.use(counter);", {
      "convex/counter/convex.config.ts": `import { defineApp } from "convex/server";\nexport default defineApp();\n`,
    });
    const { errors } = await buildFails(component);
    assert.equal(errors[0]?.file, path.join(component.dir, "convex/counter/convex.config.ts"));
    assert.equal(
      errors[0]?.text,
      "The default export of `convex.config.ts` in component `counter` has an invalid value (it is an app definition). " +
        "Please make sure that the component is exporting the return value of `defineComponent()` (`import { defineComponent } from 'convex/server'`).",
    );

    const twoExports = project({
      "convex/convex.config.ts": `import { defineApp } from "convex/server";\nexport const extra = 1;\nexport default defineApp();\n`,
    });
    assert.match((await buildFails(twoExports)).errors[0]?.text ?? "", /\(`convex\.config\.ts` has more than one export\)/);
  });

  test("a component config that reads process.env", async () => {
    const p = counterProject("app.use(counter);", {
      "convex/counter/convex.config.ts": `import { defineComponent } from "convex/server";
export default defineComponent(process.env.COUNTER_NAME ?? "counter");
`,
    });
    const { errors } = await buildFails(p, { COUNTER_NAME: "x" });
    assert.equal(
      errors[0]?.text,
      "Uncaught Error: Environment variables are only supported in the app's convex.config.ts. (while evaluating convex/counter/convex.config.ts)",
    );
    assert.equal(errors[0]?.file, path.join(p.dir, "convex/counter/convex.config.ts"));
    assert.equal(errors[0]?.line, 2);
  });

  test("a config that reads the clock or Math.random", async () => {
    const random = project({
      "convex/convex.config.ts": `import { defineApp } from "convex/server";\nexport default Math.random() > 2 ? null : defineApp();\n`,
    });
    assert.match(
      (await buildFails(random)).errors[0]?.text ?? "",
      /^Uncaught Error: Math\.random unsupported when evaluating app definition/,
    );
    const clock = project({
      "convex/convex.config.ts": `import { defineApp } from "convex/server";\nconst at = Date.now();\nexport default defineApp();\n`,
    });
    assert.match((await buildFails(clock)).errors[0]?.text ?? "", /^Uncaught Error: Date unsupported when evaluating app definition/);
  });

  test('"use node" in a component', async () => {
    const p = counterProject("app.use(counter);", {
      "convex/counter/act.ts": `"use node";\nimport { action } from "./_generated/server";\nexport const a = action({ args: {}, handler: async () => 1 });\n`,
    });
    const { errors } = await buildFails(p);
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0]?.text,
      `"use node" directive is not supported in components. Remove it from the component at: ${path.join(p.dir, "convex/counter")}.`,
    );
    assert.equal(errors[0]?.file, path.join(p.dir, "convex/counter/act.ts"));
  });

  test("both convex.config.ts and convex.config.js", async () => {
    const p = project({
      "convex/convex.config.ts": appUsing("", ""),
      "convex/convex.config.js": appUsing("", ""),
    });
    const { errors } = await buildFails(p);
    assert.equal(
      errors[0]?.text,
      `Found both ${path.join(p.dir, "convex/convex.config.js")} and ${path.join(p.dir, "convex/convex.config.ts")}, choose one.`,
    );
  });

  test("a config that allocates without end fails with the memory limit", async () => {
    // Ever larger arrays: an allocation beyond the limit makes V8 abort its whole process, which
    // must not be this one (the extension host, in VS Code).
    const p = project({
      "convex/convex.config.ts": `import { defineApp } from "convex/server";
let hoard = [0.5];
for (;;) hoard = hoard.concat(hoard);
export default defineApp();
`,
    });
    const { errors } = await buildFails(p);
    assert.equal(errors[0]?.text, "convex/convex.config.ts ran out of memory while evaluating (limit 128 MB).");
    assert.equal(errors[0]?.file, path.join(p.dir, "convex/convex.config.ts"));
  });

  test("an endless loop fails with a time limit, evaluated outside the caller's process", async () => {
    const p = project({
      "convex/convex.config.ts": `import { defineApp } from "convex/server";\nwhile (true) {}\nexport default defineApp();\n`,
    });
    // esbuild's own service process is started first, so the next process to start is the evaluator.
    await (createRequire(import.meta.url)("esbuild") as typeof import("esbuild")).transform("");
    // A process starts for the evaluation, and this thread keeps turning its event loop while the
    // config loops: the build is still running after several turns once that process exists.
    let processStarted: () => void = () => undefined;
    const evaluatorExists = new Promise<void>((resolve) => (processStarted = resolve));
    const hook = createHook({ init: (_id, type) => type === "PROCESSWRAP" && processStarted() }).enable();
    let finished = false;
    const building = buildFails(p).finally(() => (finished = true));
    try {
      await Promise.race([evaluatorExists, building]);
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(finished, false, "the build went on while the config looped");
    } finally {
      hook.disable();
    }
    const { errors } = await building;
    assert.equal(errors.length, 1);
    assert.equal(
      errors[0]?.text,
      "convex/convex.config.ts did not finish evaluating within 1000 ms (Convex's limit for a convex.config file). Look for an endless loop in it or in what it imports.",
    );
    assert.equal(errors[0]?.file, path.join(p.dir, "convex/convex.config.ts"));
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// What "Export as test" writes must pass under convex-test. Real responses from the runtime are
// turned into test files inside a copy of the fixture project, and those files run against
// convex-test in plain Node: vitest's `test`/`expect` come from a small shim and the modules map
// is explicit (convex-test cannot evaluate `import.meta.glob` outside Vite). Nothing else of the
// generated text is changed.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { generateConvexTest } from "../../extension/requests/export-test";
import { sendRequest } from "../../extension/requests/send-request";
import type { EditableRequest } from "../../webview/protocol/response";
import { copyFixture } from "../helpers/cli-process";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import { registered } from "./fixtures/vitest-shim";

const SHIM = join(__dirname, "fixtures", "vitest-shim");

let server: FixtureServer;
let project: string;
before(async () => {
  server = await serveFixture("basic");
  project = copyFixture("basic");
  // What `npx convex codegen` would write, reduced to the values convex-test needs.
  mkdirSync(join(project, "convex", "_generated"));
  writeFileSync(
    join(project, "convex", "_generated", "api.ts"),
    'import { anyApi } from "convex/server";\nexport const api = anyApi;\nexport const internal = anyApi;\n',
  );
  writeFileSync(
    join(project, "convex", "_generated", "server.ts"),
    'export { queryGeneric as query, mutationGeneric as mutation, actionGeneric as action, internalQueryGeneric as internalQuery, internalMutationGeneric as internalMutation, internalActionGeneric as internalAction, httpActionGeneric as httpAction } from "convex/server";\n',
  );
});
after(async () => {
  await server.stop();
  rmSync(project, { recursive: true, force: true });
});

/** What Vite's import.meta.glob("./**\/*.ts") gives, written out. */
function modulesMap(dir: string): string {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) files.push(`./${relative(dir, path).split("\\").join("/")}`);
    }
  };
  walk(dir);
  return `{\n${files.map((file) => `  ${JSON.stringify(file)}: () => import(${JSON.stringify(file.replace(/\.ts$/, ""))}),`).join("\n")}\n}`;
}

function forPlainNode(text: string, dir: string): string {
  const glob = 'const modules = import.meta.glob("./**/*.ts");';
  const vitest = 'import { expect, test } from "vitest";';
  assert.equal(text.split(glob).length, 2, "the generated test has the docs' import.meta.glob line");
  assert.equal(text.split(vitest).length, 2, "the generated test imports vitest");
  return text.replace(vitest, `import { expect, test } from ${JSON.stringify(SHIM)};`).replace(glob, `const modules = ${modulesMap(dir)};`);
}

const base: EditableRequest = { method: "GET", routePath: "/", pathRest: "", query: "", headers: [], body: "" };

test("generated tests of real responses pass under convex-test", async () => {
  const requests: EditableRequest[] = [
    // JSON from a mutation: the counter starts at 1 in convex-test's empty database too.
    { ...base, method: "POST", routePath: "/increment", query: "name=exported" },
    { ...base, routePath: "/files/exact" },
    { ...base, routePath: "/files/special/*", pathRest: "a/b.txt" },
    { ...base, method: "POST", routePath: "/size", headers: [{ name: "Content-Type", value: "text/plain" }], body: "hello" },
    // Errors: the runtime answers 500, convex-test rejects.
    { ...base, routePath: "/boom" },
    { ...base, routePath: "/convex-error" },
  ];
  const dir = join(project, "convex");
  const written: string[] = [];
  for (const request of requests) {
    const { response } = await sendRequest(server.site.url, request, server.runtime.logs);
    const generated = generateConvexTest({ request, response, hasSchema: true });
    const file = join(dir, generated.fileName);
    writeFileSync(file, forPlainNode(generated.text, dir));
    written.push(file);
  }
  assert.deepEqual(
    written.map((file) => relative(dir, file)),
    [
      "post-increment.test.ts",
      "get-files-exact.test.ts",
      "get-files-special.test.ts",
      "post-size.test.ts",
      "get-boom.test.ts",
      "get-convex-error.test.ts",
    ],
  );
  for (const file of written) await import(pathToFileURL(file).href);
  assert.equal(registered.length, requests.length);
  const failures: string[] = [];
  for (const { name, run } of registered) {
    try {
      await run();
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  assert.deepEqual(failures, []);
});

test("and a generated test fails when the handler's answer changes", async () => {
  const request: EditableRequest = { ...base, method: "POST", routePath: "/increment", query: "name=changed" };
  const { response } = await sendRequest(server.site.url, request, server.runtime.logs);
  // As if the local runtime had answered differently from what the code does now.
  const changed = { ...response, body: { kind: "json" as const, text: JSON.stringify({ value: 41 }) } };
  const generated = generateConvexTest({ request, response: changed, hasSchema: true });
  const dir = join(project, "convex");
  const file = join(dir, "changed.test.ts");
  writeFileSync(file, forPlainNode(generated.text, dir));
  const before = registered.length;
  await import(pathToFileURL(file).href);
  const [added] = registered.slice(before);
  await assert.rejects(async () => added!.run(), /to match \{"value":41\}/);
});

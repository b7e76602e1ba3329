// Projects that do not load: a clear message naming the file, and the last good build serving on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { startServing } from "../../runtime/serve";
import { copyFixture } from "../helpers/cli-process";

// biome-ignore lint/suspicious/noExplicitAny: each check reads the fields of the state it expects.
async function withProject(edit: (dir: string) => void, check: (state: any, fetchText: (p: string) => Promise<string>) => Promise<void>) {
  const project = copyFixture("basic");
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-bad-"));
  const serving = await startServing({ projectDir: project, dataDir, port: 0, apiPort: 0 });
  try {
    edit(project);
    await serving.runtime.reload();
    await check(serving.runtime.state, async (p) => (await fetch(`${serving.site.url}${p}`)).text());
  } finally {
    await serving.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test("an http.ts whose default export is not a router names the file and keeps the last good build", async () => {
  await withProject(
    (dir) => writeFileSync(join(dir, "convex", "http.ts"), "export default { route() {} };\n"),
    async (state, fetchText) => {
      assert.equal(state.kind, "build-failed");
      assert.match(state.errors[0].text, /The default export of `convex\/http\.js` is not a Router\./);
      assert.match(state.errors[0].file, /convex\/http\.ts$/);
      assert.equal(await fetchText("/files/exact"), "exact");
    },
  );
});

test("an http.ts without a default export says so", async () => {
  await withProject(
    (dir) => writeFileSync(join(dir, "convex", "http.ts"), "export const x = 1;\n"),
    async (state) => {
      assert.equal(state.kind, "build-failed");
      assert.match(state.errors[0].text, /`convex\/http\.js` must have a default export of a Router\./);
    },
  );
});

test("a module that throws while loading points at its line", async () => {
  await withProject(
    (dir) => writeFileSync(join(dir, "convex", "broken.ts"), "export const a = 1;\nthrow new Error('no config ' + a);\n"),
    async (state, fetchText) => {
      assert.equal(state.kind, "build-failed");
      const error = state.errors[0];
      assert.match(error.file, /convex\/broken\.ts$/);
      assert.equal(error.line, 2);
      assert.match(error.text, /no config 1/);
      assert.equal(await fetchText("/files/exact"), "exact");
    },
  );
});

test("a duplicate route is refused with the router's own message", async () => {
  await withProject(
    (dir) => {
      const file = join(dir, "convex", "http.ts");
      const text = readFileSync(file, "utf8").replace(
        "export default http;",
        'http.route({ path: "/echo", method: "GET", handler: echo });\nexport default http;',
      );
      writeFileSync(file, text);
    },
    async (state) => {
      assert.equal(state.kind, "build-failed");
      assert.match(state.errors[0].text, /Path '\/echo' for method GET already in use/);
      assert.match(state.errors[0].file, /convex\/http\.ts$/);
    },
  );
});

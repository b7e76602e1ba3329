import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { isEditorTempFile, watchProject } from "../../runtime/loader/watch.js";
import { makeProject, type FixtureProject } from "./fixture-project.js";

const projects: FixtureProject[] = [];
after(() => {
  for (const p of projects) p.remove();
});

// Waits until `calls` stops growing for `quietMs`, so a second batch would have been seen.
async function settle(calls: string[][], quietMs = 300): Promise<void> {
  let seen = -1;
  while (seen !== calls.length) {
    seen = calls.length;
    await sleep(quietMs);
  }
}

test("a burst of saves is reported once, with every file", async () => {
  const p = makeProject({ "convex/a.ts": "export const a = 1;\n", "convex/dir/b.ts": "export const b = 1;\n" });
  projects.push(p);
  const calls: string[][] = [];
  const watcher = watchProject(p.dir, (files) => calls.push(files), { debounceMs: 50 });
  try {
    await sleep(100); // the emulated recursive watcher on Linux sets itself up asynchronously
    for (let i = 0; i < 5; i++) {
      p.write("convex/a.ts", `export const a = ${i};\n`);
      p.write("convex/dir/b.ts", `export const b = ${i};\n`);
    }
    p.write("convex/_generated/api.ts", "export {};\n");
    await settle(calls);
    assert.equal(calls.length, 1);
    const convex = path.join(p.dir, "convex");
    for (const file of ["a.ts", "dir/b.ts", "_generated/api.ts"]) {
      assert.ok(calls[0]?.includes(path.join(convex, file)), `${file} in ${JSON.stringify(calls[0])}`);
    }

    // A later, separate save is a second batch.
    p.write("convex/a.ts", "export const a = 99;\n");
    await settle(calls);
    assert.deepEqual(calls.at(-1), [path.join(convex, "a.ts")]);
    assert.equal(calls.length, 2);

    // Folders created after the watch started are watched too.
    p.write("convex/later/c.ts", "export const c = 1;\n");
    await settle(calls);
    assert.equal(calls.length, 3);
    assert.ok(calls[2]?.includes(path.join(convex, "later/c.ts")));
  } finally {
    watcher.close();
  }
});

test("editor temp files and node_modules are ignored; close() stops reports", async () => {
  const p = makeProject({ "convex/a.ts": "export const a = 1;\n" });
  projects.push(p);
  const calls: string[][] = [];
  const watcher = watchProject(p.dir, (files) => calls.push(files), { debounceMs: 30 });
  await sleep(100);
  p.write("convex/.a.ts.swp", "x");
  p.write("convex/a.ts~", "x");
  p.write("convex/.#a.ts", "x");
  p.write("convex/#a.ts#", "x");
  p.write("convex/node_modules/x/index.js", "x");
  await settle(calls, 200);
  assert.deepEqual(calls, []);

  p.write("convex.json", '{ "functions": "convex/" }');
  await settle(calls, 200);
  assert.deepEqual(calls, [[path.join(p.dir, "convex.json")]]);

  watcher.close();
  p.write("convex/a.ts", "export const a = 2;\n");
  await sleep(200);
  assert.equal(calls.length, 1);
});

test("isEditorTempFile", () => {
  for (const name of ["a.ts.swp", ".a.ts.swo", "a.ts~", ".#a.ts", "#a.ts#", "4913", "a.ts___jb_tmp___", ".DS_Store"]) {
    assert.equal(isEditorTempFile(name), true, name);
  }
  for (const name of ["a.ts", "swap.ts", "#a.ts", "http.js"]) {
    assert.equal(isEditorTempFile(name), false, name);
  }
});

test("watching a project without a functions folder throws the loader's message", () => {
  const p = makeProject({});
  projects.push(p);
  assert.throws(() => watchProject(p.dir, () => {}), /Convex functions folder not found/);
  assert.ok(!fs.existsSync(path.join(p.dir, "convex")));
});

test("files modified after the serving build started are reported once, though the watch began later", async () => {
  const p = makeProject({ "convex/a.ts": "export const a = 1;\n", "convex/dir/b.ts": "export const b = 1;\n" });
  projects.push(p);
  // Date.now() counts whole milliseconds and mtimes do not: keep the fixture's writes clear of it.
  await sleep(20);
  const buildStartedAt = Date.now();
  await sleep(20);
  // Saved while the first build ran, before anything watched the folder.
  p.write("convex/dir/b.ts", "export const b = 2;\n");
  const calls: string[][] = [];
  const watcher = watchProject(p.dir, (files) => calls.push(files), { debounceMs: 30, changedSince: buildStartedAt });
  try {
    await settle(calls, 400);
    assert.deepEqual(calls, [[path.join(p.dir, "convex", "dir", "b.ts")]]);
  } finally {
    watcher.close();
  }
});

test("files not modified since the serving build started are not reported; later saves are", async () => {
  const p = makeProject({ "convex/a.ts": "export const a = 1;\n" });
  projects.push(p);
  await sleep(20);
  const buildStartedAt = Date.now();
  const calls: string[][] = [];
  const watcher = watchProject(p.dir, (files) => calls.push(files), { debounceMs: 30, changedSince: buildStartedAt });
  try {
    await settle(calls, 400);
    assert.deepEqual(calls, []);
    p.write("convex/a.ts", "export const a = 2;\n");
    await settle(calls);
    assert.deepEqual(calls, [[path.join(p.dir, "convex", "a.ts")]]);
  } finally {
    watcher.close();
  }
});

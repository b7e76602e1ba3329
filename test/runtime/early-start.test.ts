// The first build and the first worker begin before the stores open (runtime/host/early-start.ts).
// A start whose stores then fail must leave neither behind: no build folder in the project, no
// worker thread keeping the process alive (this file's process would not end).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServing } from "../../runtime/serve";
import { copyFixture } from "../helpers/cli-process";

const buildsOf = (project: string): string[] => {
  const dir = join(project, ".convex-lens", "build");
  return existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith(".")) : [];
};

test("a start whose database is damaged removes the build and stops the worker it had begun", async () => {
  const project = copyFixture("basic");
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-early-"));
  // A 0-byte database is damage: the store refuses to open it (test/reliability/data-safety).
  writeFileSync(join(dataDir, "data.sqlite"), "");
  try {
    await assert.rejects(startServing({ projectDir: project, dataDir, port: 0, apiPort: 0 }), /data\.sqlite/);
    assert.deepEqual(buildsOf(project), [], "build folders left in the project");
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the first load runs the build begun before the stores opened: served, and its folder is the one serving", async () => {
  const project = copyFixture("basic");
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-early-"));
  const serving = await startServing({ projectDir: project, dataDir, port: 0, apiPort: 0 });
  try {
    assert.equal(serving.runtime.state.kind, "ready");
    assert.equal(buildsOf(project).length, 1, `one build folder after the first load: ${buildsOf(project).join(", ")}`);
    assert.ok(serving.runtime.lastBuildStartedAt !== null);
  } finally {
    await serving.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

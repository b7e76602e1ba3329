// The spare worker: booted ahead so that a reload only loads the new build. A reload must run on
// it, with the env of that reload, and nothing of it may outlive close() or serve a stale `convex`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startServing, type Serving } from "../../runtime/serve";
import type { UserCodeWorker } from "../../runtime/host/user-code-worker";
import { copyFixture } from "../helpers/cli-process";

const REPO = resolve(__dirname, "..", "..");

const probe = (marker: string) => `import { query } from "./_generated/server";
import * as values from "convex/values";
export const info = query({
  args: {},
  handler: async () => ({
    marker: ${JSON.stringify(marker)},
    convexMarker: (values as Record<string, unknown>).lensMarker ?? null,
    env: { kept: process.env.SPARE_KEPT ?? null, changed: process.env.SPARE_CHANGED ?? null, removed: process.env.SPARE_REMOVED ?? null, host: process.env.SPARE_HOST ?? null },
  }),
});
`;

async function withProject(
  options: { env?: Record<string, string>; setUp?: (project: string) => void },
  body: (serving: Serving, project: string) => Promise<void>,
): Promise<void> {
  const project = copyFixture("basic");
  writeFileSync(join(project, "convex", "probe.ts"), probe("first"));
  options.setUp?.(project);
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-spare-"));
  const serving = await startServing({ projectDir: project, dataDir, port: 0, apiPort: 0, env: options.env ?? {} });
  try {
    await body(serving, project);
  } finally {
    await serving.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Waits for a condition the runtime reaches in the background; fails only if it never does. */
async function eventually<T>(what: string, check: () => T | null | undefined | false): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const spareOf = (serving: Serving) => eventually("a spare worker booted", () => serving.runtime.workers.spare);

// biome-ignore lint/suspicious/noExplicitAny: what the fixture function probe:info returns, read field by field.
async function info(serving: Serving): Promise<Record<string, any>> {
  const outcome = await serving.runtime.runFunction("probe:info", {}, { udfType: "query" });
  assert.ok(outcome.ok, !outcome.ok ? outcome.error.message : "");
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  return outcome.value as Record<string, any>;
}

test("after a load a spare is booted, and the next reload runs the new code on it", async () => {
  await withProject({}, async (serving, project) => {
    const spare = await spareOf(serving);
    const serving1 = serving.runtime.workers.serving!;
    assert.notEqual(spare.id, serving1.id);
    assert.equal(spare.startedAt, null, "the spare waits for a build");
    writeFileSync(join(project, "convex", "probe.ts"), probe("second"));
    await serving.runtime.reload();
    assert.equal(serving.runtime.workers.serving, spare, "the reload took the spare");
    assert.ok(spare.spawnedAt <= spare.startedAt!);
    assert.equal((await info(serving)).marker, "second");
    const next = await spareOf(serving);
    assert.notEqual(next, spare, "a new spare boots for the reload after");
    await eventually("the replaced worker stopped", () => serving1.exited);
  });
});

test("each reload's env reaches the new code: changed and removed vars, and the host's env at hand-over", async () => {
  const env = { SPARE_KEPT: "kept", SPARE_CHANGED: "before", SPARE_REMOVED: "soon gone" };
  await withProject({ env }, async (serving) => {
    assert.deepEqual((await info(serving)).env, { kept: "kept", changed: "before", removed: "soon gone", host: null });
    const spare = await spareOf(serving);
    // The spare booted with the env of its time; the reload's env is what counts.
    serving.runtime.options.env!.SPARE_CHANGED = "after";
    delete serving.runtime.options.env!.SPARE_REMOVED;
    process.env.SPARE_HOST = "set after the spare booted";
    try {
      await serving.runtime.reload();
    } finally {
      delete process.env.SPARE_HOST;
    }
    assert.equal(serving.runtime.workers.serving, spare);
    assert.deepEqual((await info(serving)).env, { kept: "kept", changed: "after", removed: null, host: "set after the spare booted" });
  });
});

test("a reload after the spare died loads on a new worker", async () => {
  await withProject({}, async (serving, project) => {
    const spare = await spareOf(serving);
    await spare.terminate({ message: "killed by the test" });
    await eventually("the spare exited", () => spare.exited);
    writeFileSync(join(project, "convex", "probe.ts"), probe("after the spare died"));
    await serving.runtime.reload();
    assert.equal(serving.runtime.state.kind, "ready");
    assert.notEqual(serving.runtime.workers.serving, spare);
    assert.equal((await info(serving)).marker, "after the spare died");
  });
});

test("a spare that loaded `convex` before the package changed is not used: the build gets the new package", async () => {
  // The project's own copy of `convex`, so that the test can "upgrade" it.
  const setUp = (project: string) => {
    const pkg = join(project, "node_modules", "convex");
    mkdirSync(join(pkg, "dist"), { recursive: true });
    cpSync(join(REPO, "node_modules", "convex", "package.json"), join(pkg, "package.json"));
    cpSync(join(REPO, "node_modules", "convex", "dist", "esm"), join(pkg, "dist", "esm"), { recursive: true });
    setConvexMarker(project, "old");
  };
  await withProject({ setUp }, async (serving, project) => {
    assert.equal((await info(serving)).convexMarker, "old");
    const spare = await spareOf(serving);
    await eventually("the spare imported `convex`", () => spare.prewarmed);
    // What `npm install convex@other` does: new files, package.json rewritten.
    setConvexMarker(project, "new");
    const pkgFile = join(project, "node_modules", "convex", "package.json");
    const pkg = readFileSync(pkgFile, "utf8");
    rmSync(pkgFile);
    writeFileSync(pkgFile, pkg);
    await serving.runtime.reload();
    // On the spare, the ESM cache would have handed the build the old package.
    assert.equal((await info(serving)).convexMarker, "new");
    assert.notEqual(serving.runtime.workers.serving, spare);
    await eventually("the stale spare stopped", () => spare.exited);
  });
});

function setConvexMarker(project: string, marker: string): void {
  const file = join(project, "node_modules", "convex", "dist", "esm", "values", "index.js");
  const source = readFileSync(file, "utf8").replace(/\nexport const lensMarker = .*\n/, "\n");
  writeFileSync(file, `${source}\nexport const lensMarker = ${JSON.stringify(marker)};\n`);
}

test("close() stops the serving worker and the spare", async () => {
  let workers: UserCodeWorker[] = [];
  await withProject({}, async (serving) => {
    const spare = await spareOf(serving);
    workers = [serving.runtime.workers.serving!, spare];
  });
  assert.deepEqual(
    workers.map((w) => w.exited),
    [true, true],
  );
});

test("a process that serves and then closes exits by itself (no worker thread left running)", async () => {
  const project = copyFixture("basic");
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-spare-exit-"));
  const script = `
    const { startServing } = require(${JSON.stringify(join(REPO, "runtime", "serve.ts"))});
    (async () => {
      const serving = await startServing({ projectDir: ${JSON.stringify(project)}, dataDir: ${JSON.stringify(dataDir)}, port: 0, apiPort: 0, env: {} });
      // A spare boots right after the load; close both the serving worker and it.
      while (!serving.runtime.workers.spare) await new Promise((r) => setTimeout(r, 10));
      // Closing while a reload is under way must not leave its worker behind either.
      void serving.runtime.reload();
      await serving.close();
      process.stdout.write("closed\\n");
    })();
  `;
  try {
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done, fail) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        fail(new Error(`the process did not exit after close(); output:\n${output}`));
      }, 30_000);
      child.on("exit", (exitCode) => {
        clearTimeout(timer);
        done(exitCode);
      });
    });
    assert.equal(code, 0, output);
    assert.match(output, /closed/);
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

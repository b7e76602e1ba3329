// `npm run package` (scripts/package-vsix.mjs) as a user runs it, after `npm run build`: the
// .vsix comes out whatever else is in node_modules, and its staging folder (under the OS temp
// folder, here a fresh one per test through TMPDIR) is gone afterwards, after a failure and after
// an interrupt too.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

const REPO = resolve(__dirname, "..", "..");
const SCRIPT = join(REPO, "scripts", "package-vsix.mjs");
const { name, publisher, version } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as Record<string, string>;
const VSIX_NAME = `${publisher}.${name}-${version}.vsix`;

const scratch = mkdtempSync(join(tmpdir(), "convex-lens-package-test-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/** Starts `node scripts/package-vsix.mjs outDir` with its own empty temp folder. */
function startPackaging(outDir: string, tempDir: string): Run {
  const child = spawn(process.execPath, [SCRIPT, outDir], {
    cwd: REPO,
    env: { ...process.env, TMPDIR: tempDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolvePromise) =>
    child.once("exit", (code, signal) => resolvePromise({ code, signal, output })),
  );
  return { child, done };
}

function freshDirs(label: string): { outDir: string; tempDir: string } {
  const outDir = join(scratch, `${label}-out`);
  const tempDir = join(scratch, `${label}-tmp`);
  mkdirSync(outDir, { recursive: true });
  mkdirSync(tempDir, { recursive: true });
  return { outDir, tempDir };
}

/** The names in a zip file's central directory. */
function zipEntries(file: string): string[] {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, `${file} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, "central directory entry");
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString("utf8", offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** What a failed or interrupted packaging could leave at the top of the repository. */
function strayStagingFolders(): string[] {
  return readdirSync(REPO).filter((entry) => /stage/i.test(entry));
}

test("packages the .vsix while node_modules holds files no lockfile knows (a tool's .cache, a package installed by hand)", async () => {
  const cache = join(REPO, "node_modules", ".cache", "convex-lens-package-test");
  const stray = join(REPO, "node_modules", "convex-lens-package-test-stray");
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, "entry.json"), "{}");
  mkdirSync(stray, { recursive: true });
  writeFileSync(join(stray, "package.json"), JSON.stringify({ name: "convex-lens-package-test-stray", version: "1.0.0" }));
  try {
    const { outDir, tempDir } = freshDirs("extra-files");
    const { code, output } = await startPackaging(outDir, tempDir).done;
    assert.equal(code, 0, `packaging failed:\n${output}`);
    const vsix = join(outDir, VSIX_NAME);
    assert.ok(existsSync(vsix), `expected ${vsix}; output:\n${output}`);
    const entries = zipEntries(vsix);
    for (const shipped of [
      "extension/package.json",
      "extension/dist/extension.js",
      "extension/dist/cli.js",
      "extension/dist/sql-wasm.wasm",
      "extension/node_modules/convex/package.json",
      "extension/node_modules/convex/dist/esm/server/index.js",
      "extension/node_modules/convex/dist/esm/values/index.js",
    ]) {
      assert.ok(entries.includes(shipped), `the .vsix should ship ${shipped}`);
    }
    const unwanted = entries.filter((entry) =>
      /node_modules\/(\.cache|convex-lens-package-test|esbuild)|dist\/esm\/(cli|bundler|react)\/|\.map$/.test(entry),
    );
    assert.deepEqual(unwanted, [], "files that must not ship");
    assert.deepEqual(readdirSync(tempDir), [], "the staging folder is removed");
    assert.deepEqual(strayStagingFolders(), []);
  } finally {
    rmSync(cache, { recursive: true, force: true });
    rmSync(stray, { recursive: true, force: true });
  }
});

test("a failed packaging says why and removes its staging folder", async () => {
  const { outDir, tempDir } = freshDirs("failure");
  // A folder where the .vsix should go: vsce writes into a folder given as --out, under its
  // default name, so a folder of that name is in there too, and vsce cannot write its file.
  mkdirSync(join(outDir, VSIX_NAME, `${name}-${version}.vsix`), { recursive: true });
  const { code, output } = await startPackaging(outDir, tempDir).done;
  assert.notEqual(code, 0);
  assert.match(output, /vsce package failed/);
  assert.deepEqual(readdirSync(tempDir), [], "the staging folder is removed");
  assert.deepEqual(strayStagingFolders(), []);
});

test("an interrupted packaging (SIGTERM) removes its staging folder", async () => {
  const { outDir, tempDir } = freshDirs("interrupt");
  const run = startPackaging(outDir, tempDir);
  // Interrupt once the staging folder exists (the copy and vsce take seconds).
  for (;;) {
    if (readdirSync(tempDir).some((entry) => entry.startsWith("convex-lens-vsix-"))) break;
    if (run.child.exitCode !== null) assert.fail(`packaging ended before it staged anything:\n${(await run.done).output}`);
    await sleep(20);
  }
  run.child.kill("SIGTERM");
  const { code } = await run.done;
  assert.equal(code, 128 + 15, "exits as a process ended by SIGTERM does");
  assert.deepEqual(readdirSync(tempDir), [], "the staging folder is removed");
  assert.equal(existsSync(join(outDir, VSIX_NAME)), false);
});

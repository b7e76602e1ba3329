// startServing's own wiring, which the CLI and the extension only point somewhere: the env files,
// the sinks for the functions' lines and for Convex Lens's own, and the reload on save.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { startServing } from "../../runtime/serve";
import type { LogSink } from "../../runtime/serve-log";
import { copyFixture } from "../helpers/cli-process";

interface Printed {
  level: "info" | "warn" | "error";
  text: string;
}

function collect(into: Printed[]): LogSink {
  return {
    info: (text) => into.push({ level: "info", text }),
    warn: (text) => into.push({ level: "warn", text }),
    error: (text) => into.push({ level: "error", text }),
  };
}

/** Waits for a line the runtime prints after a save (the watcher reloads on its own). */
async function printed(lines: Printed[], level: Printed["level"], pattern: RegExp, from = 0): Promise<Printed> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = lines.slice(from).find((line) => line.level === level && pattern.test(line.text));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${level} line matching ${pattern}; printed:\n${JSON.stringify(lines, null, 2)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("startServing reads the env files, prints to the sinks it is given, and reloads on save", async () => {
  const project = copyFixture("basic");
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-wiring-"));
  writeFileSync(
    join(project, "convex", "greet.ts"),
    `import { query } from "./_generated/server";
export const hello = query({ args: {}, handler: async () => {
  console.log("greeting", process.env.GREETING);
  return \`\${process.env.GREETING} \${process.env.NAME}\`;
} });
export const fail = query({ args: {}, handler: async () => { throw new Error("deliberate failure"); } });
`,
  );
  // A provider without its fields: the first load's notice must reach the log too.
  writeFileSync(join(project, "convex", "auth.config.ts"), "export default { providers: [{}] };\n");
  writeFileSync(join(project, "first.env"), "GREETING=first\nNAME=from-file\n");
  writeFileSync(join(project, "second.env"), "GREETING=second\n");
  const log: Printed[] = [];
  const functionLog: Printed[] = [];
  const serving = await startServing({
    projectDir: project,
    dataDir,
    port: 0,
    apiPort: 0,
    envFiles: [join(project, "first.env"), join(project, "second.env")],
    env: { NAME: "from-options" },
    watch: true,
    log: collect(log),
    functionLog: collect(functionLog),
  });
  try {
    // Later files win over earlier ones, and `env` over the files.
    assert.deepEqual(await serving.runtime.runFunction("greet:hello", {}), {
      ok: true,
      value: "second from-options",
      logLines: ["[LOG] 'greeting' 'second'"],
    });
    assert.match((await printed(functionLog, "info", /greet:hello/)).text, /\[CONVEX Q\(greet:hello\)\] \[LOG\] 'greeting' 'second'$/);
    assert.equal((await serving.runtime.runFunction("greet:fail", {})).ok, false);
    assert.match((await printed(functionLog, "error", /greet:fail/)).text, /deliberate failure/);
    assert.match((await printed(log, "warn", /auth\.config/)).text, /^convex\/auth\.config\.ts: /);
    assert.ok(!functionLog.some((line) => line.text.includes("auth.config")), "Convex Lens's own lines stay out of the functions' log");

    const beforeBreak = log.length;
    writeFileSync(join(project, "convex", "broken.ts"), "export const a = 1;\nthrow new Error('not loadable');\n");
    const failed = await printed(log, "error", /^build failed/, beforeBreak);
    assert.match(failed.text, /^build failed; the last good build keeps serving:\n {2}convex\/broken\.ts:2:\d+: .*not loadable/);

    const beforeFix = log.length;
    rmSync(join(project, "convex", "broken.ts"));
    await printed(log, "info", /^reloaded in \d+ ms$/, beforeFix);
    assert.equal(serving.runtime.state.kind, "ready");
  } finally {
    await serving.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("startServing refuses an env file it cannot read before it opens anything", async () => {
  const project = copyFixture("basic");
  try {
    await assert.rejects(
      startServing({ projectDir: project, port: 0, apiPort: 0, envFiles: [join(project, "missing.env")] }),
      /^Error: Cannot read the env file .*missing\.env: ENOENT/,
    );
    assert.ok(!existsSync(join(project, ".convex-lens")), "no data folder was made");
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

// Requests while `convex-lens serve` reloads the project on save: no answer may be an error because
// a reload is in progress. The last good build answers while the new one loads (held open by
// lifecycle-app's load gate), a request in flight finishes on the build it started on however
// long it runs, and after a first build that failed, requests sent while the fix loads wait for it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordFigures, Tally } from "./figures";
import { copyFixture, delay, poll } from "./support";
import {
  attempt,
  freePorts,
  isRunning,
  LoadGate,
  printed,
  queryAttempt,
  REAL_API_ANSWER,
  REAL_SITE_ANSWER,
  spawnServe,
  type Attempt,
} from "./early-serve";
import type { CliRun } from "../helpers/cli-process";

const tally = new Tally();
const project = copyFixture("lifecycle-app");
const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-reload-"));
const gate = new LoadGate();
let cli: CliRun;
let siteUrl: string;
let apiUrl: string;
const LIFECYCLE = join(project, "convex", "lifecycle.ts");
const VALID_LIFECYCLE = `import { mutation, query } from "./_generated/server";

export const ok = query({ args: {}, handler: async () => "fine" });

export const uploadUrl = mutation({ args: {}, handler: async (ctx) => await ctx.storage.generateUploadUrl() });
`;

before(async () => {
  const [site, api] = await freePorts(2);
  siteUrl = `http://127.0.0.1:${site}`;
  apiUrl = `http://127.0.0.1:${api}`;
  // The project starts broken (a syntax error): the last test saves the fix.
  writeFileSync(LIFECYCLE, `${VALID_LIFECYCLE}export const broken = query({;\n`);
  cli = spawnServe(project, dataDir, { site: site!, api: api! }, ["--env-file", gate.envFile]);
  await printed(cli, /is not loaded/);
});

after(async () => {
  if (isRunning(cli)) cli.child.kill("SIGTERM");
  assert.equal(await cli.exited, 0);
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  gate.remove();
  tally.runs = reloads();
  await recordFigures("reload-window", {
    title: "requests during reloads: the last good build answers, requests in flight finish, none fails because of the reload",
    tally,
  });
});

function reloads(): number {
  return cli.output().match(/reloaded in \d+ ms/g)?.length ?? 0;
}

/** Saves lifecycle.ts (with a comment that changes each time) and returns the reload count to wait for. */
function save(): number {
  const target = reloads() + 1;
  writeFileSync(LIFECYCLE, `${VALID_LIFECYCLE}// saved at ${Date.now()} ${Math.random()}\n`);
  return target;
}

async function reloaded(target: number): Promise<void> {
  await poll(() => (reloads() >= target ? true : undefined), `reload number ${target}:\n${cli.output()}`, 1200);
}

function both(): Promise<Attempt[]> {
  tally.requestsSent += 2;
  return Promise.all([attempt(`${siteUrl}/healthy`), queryAttempt(apiUrl, "lifecycle:ok")]);
}

test("after a first build that failed, requests sent while the fix loads wait for it and get the real answer", async () => {
  gate.close();
  const target = save();
  await gate.waitUntilReached();
  const answers = both();
  await delay(100);
  gate.open();
  assert.deepEqual(await answers, [REAL_SITE_ANSWER, REAL_API_ANSWER]);
  await reloaded(target);
});

test("while a reload loads, requests get the last good build's answers", async () => {
  gate.close();
  const target = save();
  await gate.waitUntilReached();
  const during = await both();
  gate.open();
  await reloaded(target);
  assert.deepEqual(during, [REAL_SITE_ANSWER, REAL_API_ANSWER]);
});

test("a request in flight when a reload replaces its build gets its real answer, however long it runs", async () => {
  const held = attempt(`${siteUrl}/hold?until=release-held`);
  tally.requestsSent++;
  // Started on the current build (a reload would not otherwise hold it up).
  await delay(200);
  await reloaded(save());
  // Longer than the 5 s the runtime used to give a replaced build before stopping it.
  await delay(6000);
  gate.signal("release-held");
  assert.deepEqual(await held, { kind: "answered", status: 200, body: "released" });
});

test("a stream of requests on both origins across five reloads: every answer is the real one", async () => {
  let stop = false;
  const site: Attempt[] = [];
  const api: Attempt[] = [];
  const client = async () => {
    while (!stop) {
      const [siteAnswer, apiAnswer] = await both();
      site.push(siteAnswer!);
      api.push(apiAnswer!);
    }
  };
  const clients = [client(), client(), client()];
  try {
    for (let i = 0; i < 5; i++) await reloaded(save());
  } finally {
    stop = true;
    await Promise.all(clients);
  }
  assert.deepEqual(
    site.filter((outcome) => JSON.stringify(outcome) !== JSON.stringify(REAL_SITE_ANSWER)),
    [],
  );
  assert.deepEqual(
    api.filter((outcome) => JSON.stringify(outcome) !== JSON.stringify(REAL_API_ANSWER)),
    [],
  );
  tally.notes.push(`${site.length + api.length} requests on both origins across 5 reloads, all answered by a build`);
});

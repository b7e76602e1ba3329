// Requests that reach `convex-lens serve` while it starts: from the moment its ports open, while the
// project's first load runs (held open by lifecycle-app's load gate, so the requests certainly
// arrive during it), and for a project whose first build or load fails. None may crash the
// process; each waits for the first load and then gets the real answer, or the build error with
// its file and line.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordFigures, Tally } from "./figures";
import { copyFixture, delay } from "./support";
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
const cleanups: Array<() => void> = [];
const children: CliRun[] = [];

after(async () => {
  for (const cli of children) {
    if (isRunning(cli)) cli.child.kill("SIGKILL");
    await cli.exited;
  }
  for (const cleanup of cleanups) cleanup();
  await recordFigures("startup", {
    title: "requests while serve starts and loads: no crash, the real answer once loaded, or the build error with file and line",
    tally,
  });
});

/** A copy of lifecycle-app, a fresh data folder, a load gate and two free ports. */
async function setUp() {
  const project = copyFixture("lifecycle-app");
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-startup-"));
  const gate = new LoadGate();
  const [site, api] = await freePorts(2);
  cleanups.push(() => {
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    gate.remove();
  });
  tally.runs++;
  return {
    project,
    dataDir,
    gate,
    ports: { site: site!, api: api! },
    siteUrl: `http://127.0.0.1:${site}`,
    apiUrl: `http://127.0.0.1:${api}`,
  };
}

function start(setup: Awaited<ReturnType<typeof setUp>>): CliRun {
  const cli = spawnServe(setup.project, setup.dataDir, setup.ports, ["--env-file", setup.gate.envFile]);
  children.push(cli);
  return cli;
}

function count(outcomes: Attempt[]) {
  tally.requestsSent += outcomes.length;
  return outcomes.filter((outcome) => outcome.kind === "answered");
}

test("requests every 20 ms from the moment serve starts: it keeps running, and each waits for the first load and gets the real answer", async () => {
  const setup = await setUp();
  setup.gate.close();
  const cli = start(setup);
  const site: Promise<Attempt>[] = [];
  const api: Promise<Attempt>[] = [];
  const round = () => {
    site.push(attempt(`${setup.siteUrl}/healthy`));
    api.push(queryAttempt(setup.apiUrl, "lifecycle:ok"));
  };
  // As a CI script or a browser tab waiting for the port does: from before the ports open…
  while (!setup.gate.reached && isRunning(cli)) {
    round();
    await delay(20);
  }
  // …and on, while the load is certainly still running (it waits at the gate).
  for (let i = 0; i < 10 && isRunning(cli); i++) {
    round();
    await delay(20);
  }
  const sentDuringLoad = site.length;
  setup.gate.open();
  await printed(cli, /Watching for changes/);
  const siteAnswers = count(await Promise.all(site));
  const apiAnswers = count(await Promise.all(api));

  assert.ok(isRunning(cli), `serve exited:\n${cli.output()}`);
  assert.doesNotMatch(cli.output(), /matcher is already built/);
  // The ten rounds sent while the load waited at the gate were all answered, nothing broke.
  assert.ok(
    siteAnswers.length >= 10 && apiAnswers.length >= 10,
    `answered: ${siteAnswers.length} site, ${apiAnswers.length} API of ${sentDuringLoad} rounds`,
  );
  for (const outcome of await Promise.all([...site, ...api])) assert.notEqual(outcome.kind, "failed", JSON.stringify(outcome));
  for (const outcome of siteAnswers) assert.deepEqual(outcome, REAL_SITE_ANSWER);
  for (const outcome of apiAnswers) assert.deepEqual(outcome, REAL_API_ANSWER);
  tally.notes.push(
    `${sentDuringLoad} rounds (site + API) sent every 20 ms from the start; ${siteAnswers.length + apiAnswers.length} answered, all with the real answer`,
  );
  cli.child.kill("SIGTERM");
  assert.equal(await cli.exited, 0);
});

test("a project whose first load fails: a request sent while it loads gets the load error with file and line", async () => {
  const setup = await setUp();
  // Line 3 throws while the module loads, after the gate.
  writeFileSync(join(setup.project, "convex", "broken.ts"), `import "./loadGate";\n\nthrow new Error("broken on purpose");\n`);
  setup.gate.close();
  const cli = start(setup);
  await setup.gate.waitUntilReached();
  const site = attempt(`${setup.siteUrl}/healthy`);
  const api = queryAttempt(setup.apiUrl, "lifecycle:ok");
  await delay(100);
  setup.gate.open();
  const [siteAnswer, apiAnswer] = count(await Promise.all([site, api])) as Array<Extract<Attempt, { kind: "answered" }>>;
  await printed(cli, /is not loaded/);

  assert.equal(siteAnswer?.status, 500, JSON.stringify(siteAnswer));
  const code = (JSON.parse(siteAnswer!.body) as { code: string }).code;
  assert.match(code, /^\[Request ID: [0-9a-f]{16}\] Server Error: /);
  assert.match(code, /convex\/broken\.ts:3:\d+/);
  assert.match(code, /broken on purpose/);
  assert.equal(apiAnswer?.status, 560, JSON.stringify(apiAnswer));
  const body = JSON.parse(apiAnswer!.body) as { status: string; errorMessage: string };
  assert.equal(body.status, "error");
  assert.match(body.errorMessage, /convex\/broken\.ts:3:\d+/);
  assert.match(body.errorMessage, /broken on purpose/);
  assert.ok(isRunning(cli));
  cli.child.kill("SIGTERM");
  assert.equal(await cli.exited, 0);
});

test("a project that does not build: requests get esbuild's error with file and line, on both origins", async () => {
  const setup = await setUp();
  const http = join(setup.project, "convex", "http.ts");
  // Line 2 of http.ts: a syntax error.
  writeFileSync(http, `import { httpRouter } from "convex/server";\nconst http = httpRouter(;\nexport default http;\n`);
  const cli = start(setup);
  await printed(cli, /is not loaded/);
  const [siteAnswer, apiAnswer] = count(
    await Promise.all([attempt(`${setup.siteUrl}/healthy`), queryAttempt(setup.apiUrl, "lifecycle:ok")]),
  ) as Array<Extract<Attempt, { kind: "answered" }>>;
  tally.inputsTried++;

  assert.equal(siteAnswer?.status, 500, JSON.stringify(siteAnswer));
  assert.match((JSON.parse(siteAnswer!.body) as { code: string }).code, /does not build:\nconvex\/http\.ts:2:\d+: /);
  assert.equal(apiAnswer?.status, 560, JSON.stringify(apiAnswer));
  assert.match((JSON.parse(apiAnswer!.body) as { errorMessage: string }).errorMessage, /does not build:\nconvex\/http\.ts:2:\d+: /);
  cli.child.kill("SIGTERM");
  assert.equal(await cli.exited, 0);
});

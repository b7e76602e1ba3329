// Requests that `convex-lens serve` still has when it is told to stop (SIGTERM): each gets a
// clear answer, not a cut connection or a hang, and serve exits 0. Those running user code are
// told that Convex Lens stopped under them; one waiting for a load is told that it is stopping.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordFigures, Tally } from "./figures";
import { copyFixture, delay, startServe } from "./support";
import { attempt, LoadGate, queryAttempt, type Attempt } from "./early-serve";

const tally = new Tally();
const cleanups: Array<() => void> = [];

after(async () => {
  for (const cleanup of cleanups) cleanup();
  await recordFigures("stopping", {
    title: "requests in progress when serve stops: a clear answer each, exit 0",
    tally,
  });
});

const VALID_LIFECYCLE = `import { query } from "./_generated/server";\n\nexport const ok = query({ args: {}, handler: async () => "fine" });\n`;

/** serve on a copy of lifecycle-app; `broken`: one whose lifecycle.ts does not build. */
async function serve(broken = false) {
  const project = copyFixture("lifecycle-app");
  if (broken) writeFileSync(join(project, "convex", "lifecycle.ts"), `${VALID_LIFECYCLE}export const broken = query({;\n`);
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-stopping-"));
  const gate = new LoadGate();
  cleanups.push(() => {
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    gate.remove();
  });
  tally.runs++;
  return { project, gate, child: await startServe(project, dataDir, ["--env-file", gate.envFile]) };
}

function answered(outcome: Attempt | undefined): Extract<Attempt, { kind: "answered" }> {
  assert.equal(outcome?.kind, "answered", JSON.stringify(outcome));
  return outcome as Extract<Attempt, { kind: "answered" }>;
}

test("an HTTP action and an action running when serve stops are told that Convex Lens stopped under them", async () => {
  const { child } = await serve();
  const site = attempt(`${child.site}/hold?until=never`);
  const api = attempt(`${child.api}/api/action`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "holding:hold", args: { until: "never" }, format: "json" }),
  });
  tally.requestsSent += 2;
  // Both are running by now.
  await delay(500);
  const exit = child.stop();
  const [siteAnswer, apiAnswer] = [answered(await site), answered(await api)];
  assert.equal(await exit, 0);

  assert.equal(siteAnswer.status, 500);
  assert.match(
    (JSON.parse(siteAnswer.body) as { code: string }).code,
    /^\[Request ID: [0-9a-f]{16}\] Server Error: Convex Lens stopped while this request was running\.$/,
  );
  assert.equal(apiAnswer.status, 560);
  assert.match(
    (JSON.parse(apiAnswer.body) as { errorMessage: string }).errorMessage,
    /Convex Lens stopped while this request was running\./,
  );
});

test("a request waiting for a load when serve stops is told that it is stopping", async () => {
  // A first build that fails, then a fix whose load waits at the gate: requests wait for that load.
  const { project, gate, child } = await serve(true);
  gate.close();
  writeFileSync(join(project, "convex", "lifecycle.ts"), VALID_LIFECYCLE);
  await gate.waitUntilReached();
  const site = attempt(`${child.site}/healthy`);
  const api = queryAttempt(child.api, "lifecycle:ok");
  tally.requestsSent += 2;
  await delay(200);
  const exit = child.stop();
  const [siteAnswer, apiAnswer] = [answered(await site), answered(await api)];
  assert.equal(await exit, 0);

  for (const answer of [siteAnswer, apiAnswer]) {
    assert.equal(answer.status, 503);
    assert.equal(answer.body, "Convex Lens is stopping: it no longer runs requests.");
  }
});

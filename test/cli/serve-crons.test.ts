// `convex-lens serve` of a project with convex/crons.ts, as a user runs it: the banner lists the
// jobs with their next run, each run prints its log lines like any function, and a stop and a
// start later than a job's next time run the missed time once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyFixture, runCli, type CliRun } from "../helpers/cli-process";
import { callApi } from "../reliability/support";

async function serve(project: string, dataDir: string): Promise<{ cli: CliRun; api: string }> {
  const cli = runCli(["serve", project, "--port", "0", "--api-port", "0", "--data", dataDir]);
  const [, api] = await cli.waitFor(/Convex API \(cloud\):\s+(http:\/\/127\.0\.0\.1:\d+)/, 60_000);
  await cli.waitFor(/has no convex\/http\.ts/, 60_000);
  return { cli, api: api! };
}

async function stop(cli: CliRun): Promise<void> {
  cli.child.kill("SIGTERM");
  assert.equal(await cli.exited, 0);
}

test("serve lists the cron jobs with their next run and prints each run; a restart runs a missed time once", async () => {
  const project = copyFixture("crons-app");
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-serve-crons-"));
  try {
    const first = await serve(project, dataDir);
    try {
      const banner = first.cli.output();
      assert.match(banner, /Cron jobs:\n {2}nightly cleanup {2}Daily at 03:00 UTC {2}next run \d{4}-\d\d-\d\d 03:00:00 UTC\n/);
      assert.match(banner, /\n {2}record every 2s {2}Every 2 seconds {5}(running now|next run \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)\n/);
      assert.match(banner, /\n {2}report every 3s {2}Every 3 seconds {5}/);
      // Runs log like any function, under the function's name.
      await first.cli.waitFor(/\[CONVEX M\(jobs:record\)\] \[LOG\] 'recorded' 'interval'/, 30_000);
      await first.cli.waitFor(/\[CONVEX A\(jobs:report\)\] \[LOG\] 'reporting'/, 30_000);
    } finally {
      await stop(first.cli);
    }

    // Stopped past the job's next two scheduled times (its last run was scheduled before the stop).
    const stoppedAt = Date.now();
    while (Date.now() < stoppedAt + 4100) await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await serve(project, dataDir);
    try {
      await second.cli.waitFor(
        /\[CONVEX M\(jobs:record\)\] Skipping \d+ run\(s\) of job \w+ because multiple scheduled runs are in the past/,
        30_000,
      );
      const rows = (await callApi(second.api, "query", "jobs:runs", { label: "interval" })).value as Array<{ at: number }>;
      assert.ok(
        rows.some((row) => row.at > stoppedAt),
        "the missed time ran after the start",
      );
    } finally {
      await stop(second.cli);
    }
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});

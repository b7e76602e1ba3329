// The runtime's log file across restarts, with the retention the extension's setting passes in:
// older lines are pruned, the rest is there for the log panel after a restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServing } from "../../runtime/serve";
import { pageRows } from "../../runtime/logs/log-queries";
import { FIXTURES } from "../helpers/serve-fixture";

test("logRetention prunes the oldest lines; what is kept survives a restart", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-retention-"));
  const serve = () => startServing({ projectDir: join(FIXTURES, "basic"), dataDir, env: {}, port: 0, apiPort: 0, logRetention: 3 });
  try {
    const first = await serve();
    const requestIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${first.site.url}/boom`, { headers: { "convex-request-id": `retention-${i}` } });
      await response.text();
      requestIds.push(`retention-${i}`);
    }
    const lines = () => Number(first.runtime.logs.select("SELECT count(*) AS n FROM log_lines")[0]!.n);
    assert.equal(lines(), 3, "each request logged one line; three are kept");
    await first.close();

    const second = await serve();
    try {
      const page = pageRows(second.runtime.logs, { filter: { kinds: ["httpAction"] }, limit: 50 });
      const kept = page.rows.filter((row) => row.kind === "line").map((row) => row.requestId);
      assert.deepEqual(kept, requestIds.slice(2));
      assert.ok(page.rows.some((row) => row.kind === "execution" && row.requestId === "retention-4" && row.status === 500));
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

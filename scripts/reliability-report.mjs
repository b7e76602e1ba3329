// `npm run reliability-report`: runs the reliability suite alone, on a fresh report, and copies the
// report to test/RELIABILITY.md, the committed copy. Every test run writes the report only under
// test/reliability/.report/ (ignored by git; see test/reliability/figures.ts), so `npm test` never
// changes a tracked file: the committed copy changes only when someone runs this on purpose.
import { copyFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";

const REPORT = "test/reliability/.report/RELIABILITY.md";
const COMMITTED = "test/RELIABILITY.md";

// Sections of earlier runs would otherwise stay in the report beside this run's.
rmSync(REPORT, { force: true });
const result = spawnSync(process.execPath, ["scripts/run-tests.mjs", "test/reliability/"], { stdio: "inherit" });
if (result.status !== 0) {
  console.error(`The reliability suite failed: ${COMMITTED} is left as it was.`);
  process.exit(result.status ?? 1);
}
copyFileSync(REPORT, COMMITTED);
console.log(`Copied ${REPORT} to ${COMMITTED}.`);

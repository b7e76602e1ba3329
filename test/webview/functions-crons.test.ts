// The cron jobs in the functions panel's Functions tab, in a test DOM: what each row says, "Run
// now" and what it posts, its answer or failure, and when it cannot run.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { CronRunView } from "../../webview/protocol/functions";
import { formatDateTime } from "../../webview/functions/format";
import { cron, readyState, withFunctionsPanel } from "./functions-fixture";

const at = Date.UTC(2026, 0, 2, 3, 4, 5);
const hostile = "<img src=x onerror=alert(1)>";

const crons = [
  cron("record every 2s", { lastRun: { at, outcome: "success", error: null, manual: false, skipped: 3 }, nextRun: at + 2000 }),
  cron("nightly report", {
    functionName: "jobs:report",
    udfType: "action",
    schedule: "Daily at 03:00 UTC",
    lastRun: { at, outcome: "failure", error: `Uncaught Error: ${hostile}`, manual: true, skipped: 0 },
  }),
  cron("limiter cleanup", { component: "rateLimiter", functionName: "lib:clear", schedule: "Every minute" }),
  cron("gone", { functionName: "old:job", udfType: null }),
];

const cronRun = (overrides: Partial<CronRunView> = {}): CronRunView => ({
  requestId: "req9",
  identifier: "record every 2s",
  outcome: "success",
  error: null,
  executions: [],
  ...overrides,
});

test("each job: its name, schedule in words, function, last run and how it went, next run", () =>
  withFunctionsPanel(
    (panel) => {
      assert.deepEqual(
        panel.all("#cron-list .cron-row").map((row) => row.dataset.cron),
        ["record every 2s", "nightly report", "limiter cleanup", "gone"],
      );
      const row = (identifier: string) => `.cron-row[data-cron="${identifier}"]`;
      assert.equal(panel.text(`${row("record every 2s")} .cron-name`), "record every 2s");
      assert.equal(panel.text(`${row("record every 2s")} .cron-schedule`), "Every 2 seconds");
      assert.equal(panel.text(`${row("record every 2s")} .cron-function`), "jobs:record");
      assert.equal(panel.text(`${row("record every 2s")} .cron-last`), `Last run: ${formatDateTime(at)} succeeded · 3 missed runs skipped`);
      assert.equal(panel.text(`${row("record every 2s")} .cron-next`), `Next run: ${formatDateTime(at + 2000)}`);
      const failed = panel.get(`${row("nightly report")} .cron-last`);
      assert.ok(failed.classList.contains("failed"));
      assert.match(failed.textContent!, /failed \(Run now\)$/);
      assert.equal(failed.title, `Uncaught Error: ${hostile}`, "the error is text, never markup");
      assert.equal(panel.find(`${row("nightly report")} img`), null);
      assert.equal(panel.text(`${row("limiter cleanup")} .cron-name`), "rateLimiter / limiter cleanup");
      assert.equal(panel.get(row("limiter cleanup")).dataset.component, "rateLimiter");
      assert.equal(panel.text(`${row("limiter cleanup")} .cron-last`), "Last run: never");
      assert.match(panel.text(`${row("gone")} .cron-missing`)!, /not in the loaded code/);
      assert.ok(panel.get(`${row("gone")} .cron-run`).hasAttribute("disabled"), "a job whose function is gone cannot run");
      // The filter narrows jobs too, by name or function; "cron" finds them all.
      panel.type("#function-filter", "report");
      assert.deepEqual(
        panel.all(".cron-row").map((r) => r.dataset.cron),
        ["nightly report"],
      );
      panel.type("#function-filter", "cron");
      assert.equal(panel.all(".cron-row").length, 4);
      panel.type("#function-filter", "zzz");
      assert.equal(panel.find("#cron-list"), null);
    },
    { state: readyState({ crons }) },
  ));

test("a running job says so instead of its next time", () =>
  withFunctionsPanel(
    (panel) => {
      assert.equal(panel.text('.cron-row[data-cron="busy"] .cron-next'), "Running now");
    },
    { state: readyState({ crons: [cron("busy", { running: true })] }) },
  ));

test("Run now posts the job's component and identifier, waits, then shows how it went", () =>
  withFunctionsPanel(
    async (panel) => {
      const button = '.cron-row[data-cron="limiter cleanup"] .cron-run';
      panel.click(button);
      const [request] = panel.sent("runCron");
      assert.deepEqual(request, { type: "runCron", id: request!.id, component: "rateLimiter", identifier: "limiter cleanup" });
      assert.ok(panel.get(button).hasAttribute("disabled"), "one run at a time");
      panel.click(button);
      assert.equal(panel.sent("runCron").length, 1);
      panel.reply(request!.id, cronRun({ identifier: "limiter cleanup", requestId: "abc123" }));
      await panel.settle();
      assert.equal(panel.get(button).hasAttribute("disabled"), false);
      const result = panel.get('.cron-row[data-cron="limiter cleanup"] .cron-result');
      assert.equal(result.hidden, false);
      assert.equal(result.textContent, "Ran now: succeeded (request abc123)");

      // A failing function, then a host call that failed: both said in the job's row.
      panel.click('.cron-row[data-cron="record every 2s"] .cron-run');
      panel.reply(panel.sent("runCron")[1]!.id, cronRun({ outcome: "failure", error: `Uncaught Error: ${hostile}` }));
      await panel.settle();
      const failure = panel.get('.cron-row[data-cron="record every 2s"] .cron-result');
      assert.equal(failure.textContent, `Ran now: failed: Uncaught Error: ${hostile}`);
      assert.ok(failure.classList.contains("failed"));
      assert.equal(
        panel.find('.cron-row[data-cron="limiter cleanup"] .cron-result:not([hidden])'),
        null,
        "only the latest run's answer shows",
      );
      panel.click('.cron-row[data-cron="nightly report"] .cron-run');
      panel.reply(
        panel.sent("runCron")[2]!.id,
        undefined,
        'There is no cron job "nightly report" (any more): refresh the functions panel.',
      );
      await panel.settle();
      assert.match(panel.text('.cron-row[data-cron="nightly report"] .cron-result')!, /^Run now failed: There is no cron job/);
    },
    { state: readyState({ crons }) },
  ));

test("the job's function opens in the runner; nothing runs while the runtime is stopped", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.click('.cron-row[data-cron="record every 2s"] .cron-function');
      assert.equal(panel.text("#selected-function"), "jobs:record");
      panel.show(readyState({ runtime: { kind: "stopped" }, functions: [], routes: [], crons }));
      assert.ok(panel.all(".cron-run").every((button) => button.hasAttribute("disabled")));
      panel.click('.cron-row[data-cron="record every 2s"] .cron-run');
      assert.deepEqual(panel.sent("runCron"), []);
    },
    {
      state: readyState({
        crons,
        functions: [
          ...readyState().functions,
          {
            component: "",
            name: "jobs:record",
            module: "jobs",
            functionName: "record",
            udfType: "mutation",
            visibility: "internal",
            args: null,
            stats: { calls: 0, errors: 0, p50Ms: null, p95Ms: null },
          },
        ],
      }),
    },
  ));

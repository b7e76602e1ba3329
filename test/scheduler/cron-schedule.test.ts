// When a cron job runs next, against the backend's own examples (crates/model/src/cron_jobs/
// next_ts.rs tests) and its rule for runs in the past (complete_job_run). No clock: `now` is given.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  completeRun,
  describeSchedule,
  NO_NEXT_TIME,
  nextRunTime,
  sameSchedule,
  skippedRunsMessage,
  type CronSchedule,
} from "../../runtime/scheduler/cron-schedule";

const seconds = (s: number) => s * 1000;
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

test("the backend's examples, first run and the run after it", () => {
  const mar1 = seconds(1677659700); // Mar 01 2023 08:35:00 UTC
  const feb28 = seconds(1677573300); // Feb 28 2023 08:35:00 UTC, a Tuesday
  const cases: Array<[CronSchedule, number, number, number]> = [
    [{ type: "interval", seconds: 60 }, mar1, mar1, seconds(1677659760)],
    [{ type: "hourly", minuteUTC: 5 }, mar1, seconds(1677661500), seconds(1677665100)],
    [{ type: "daily", hourUTC: 8, minuteUTC: 30 }, feb28, seconds(1677659400), seconds(1677745800)],
    [{ type: "weekly", dayOfWeek: 2, hourUTC: 12, minuteUTC: 30 }, feb28, seconds(1677587400), seconds(1678192200)],
    [{ type: "monthly", day: 1, hourUTC: 12, minuteUTC: 30 }, feb28, seconds(1677673800), seconds(1680352200)],
    [{ type: "cron", cron: "0 12 * * 1,5" }, feb28, seconds(1677844800), seconds(1678104000)],
  ];
  for (const [schedule, now, first, second] of cases) {
    const firstRun = nextRunTime(schedule, null, now);
    assert.equal(iso(firstRun), iso(first), `first run of ${JSON.stringify(schedule)}`);
    assert.equal(iso(nextRunTime(schedule, firstRun, now)), iso(second), `second run of ${JSON.stringify(schedule)}`);
  }
});

test("an interval job runs when created, then keeps the phase of its scheduled times", () => {
  const schedule: CronSchedule = { type: "interval", seconds: 30 };
  const created = Date.parse("2024-05-01T10:00:00.250Z");
  assert.equal(nextRunTime(schedule, null, created), created);
  // The next run counts from when the previous one was scheduled, not from when it ended.
  assert.equal(nextRunTime(schedule, created, created + 12_000), created + 30_000);
});

test("monthly jobs on the 29th to 31st skip months without that day; UTC has no DST", () => {
  const schedule: CronSchedule = { type: "monthly", day: 31, hourUTC: 23, minuteUTC: 59 };
  const jan = nextRunTime(schedule, null, Date.parse("2024-01-15T00:00:00Z"));
  const runs = [jan];
  for (let i = 0; i < 3; i++) runs.push(nextRunTime(schedule, runs.at(-1)!, jan));
  assert.deepEqual(runs.map(iso), ["2024-01-31T23:59:00Z", "2024-03-31T23:59:00Z", "2024-05-31T23:59:00Z", "2024-07-31T23:59:00Z"]);
  // Across the US and EU daylight-saving changes, a daily job stays at 02:30 UTC.
  const daily: CronSchedule = { type: "daily", hourUTC: 2, minuteUTC: 30 };
  const march = nextRunTime(daily, Date.parse("2024-03-30T02:30:00Z"), 0);
  assert.equal(iso(march), "2024-03-31T02:30:00Z");
  assert.equal(iso(nextRunTime(daily, Date.parse("2024-11-02T02:30:00Z"), 0)), "2024-11-03T02:30:00Z");
});

test("weekly on Sunday is day 0; a cron string that never matches has no next time", () => {
  assert.equal(
    iso(nextRunTime({ type: "weekly", dayOfWeek: 0, hourUTC: 0, minuteUTC: 0 }, null, Date.parse("2024-06-01T12:00:00Z"))),
    "2024-06-02T00:00:00Z",
  );
  assert.throws(() => nextRunTime({ type: "cron", cron: "0 0 30 2 *" }, null, 0), { message: NO_NEXT_TIME });
});

test("after a run, times already past are skipped, not caught up", () => {
  const interval: CronSchedule = { type: "interval", seconds: 2 };
  const scheduled = Date.parse("2024-01-01T00:00:00Z");
  assert.deepEqual(completeRun(interval, scheduled, scheduled + 500), {
    previous: scheduled,
    next: scheduled + 2000,
    skipped: 0,
    firstSkipped: null,
  });
  // A run that ended 7.1 s after its time: 2 s, 4 s and 6 s have passed.
  assert.deepEqual(completeRun(interval, scheduled, scheduled + 7100), {
    previous: scheduled,
    next: scheduled + 8000,
    skipped: 3,
    firstSkipped: scheduled + 2000,
  });
  // A time equal to now is not in the past.
  assert.equal(completeRun(interval, scheduled, scheduled + 4000).skipped, 1);
  // Lens stopped at 09:05's run and started again at 11:30: 10:05 and 11:05 are skipped.
  const hourly: CronSchedule = { type: "hourly", minuteUTC: 5 };
  const run = completeRun(hourly, Date.parse("2024-01-01T09:05:00Z"), Date.parse("2024-01-01T11:30:00Z"));
  assert.deepEqual([iso(run.next), run.skipped, iso(run.firstSkipped!)], ["2024-01-01T12:05:00Z", 2, "2024-01-01T10:05:00Z"]);
  assert.equal(skippedRunsMessage(2, "abc"), "Skipping 2 run(s) of job abc because multiple scheduled runs are in the past");
});

test("schedules compare by meaning and read as words", () => {
  assert.ok(sameSchedule({ type: "interval", seconds: 120 }, { type: "interval", seconds: 120 }));
  assert.ok(!sameSchedule({ type: "interval", seconds: 120 }, { type: "interval", seconds: 60 }));
  assert.ok(!sameSchedule({ type: "hourly", minuteUTC: 5 }, { type: "daily", hourUTC: 0, minuteUTC: 5 }));
  assert.equal(describeSchedule({ type: "interval", seconds: 30 }), "Every 30 seconds");
  assert.equal(describeSchedule({ type: "interval", seconds: 60 }), "Every minute");
  assert.equal(describeSchedule({ type: "interval", seconds: 7200 }), "Every 2 hours");
  assert.equal(describeSchedule({ type: "hourly", minuteUTC: 5 }), "Hourly at minute 5 (UTC)");
  assert.equal(describeSchedule({ type: "daily", hourUTC: 8, minuteUTC: 5 }), "Daily at 08:05 UTC");
  assert.equal(describeSchedule({ type: "weekly", dayOfWeek: 2, hourUTC: 17, minuteUTC: 30 }), "Weekly on Tuesday at 17:30 UTC");
  assert.equal(
    describeSchedule({ type: "monthly", day: 31, hourUTC: 0, minuteUTC: 0 }),
    "Monthly on day 31 at 00:00 UTC (not in months without day 31)",
  );
  assert.equal(describeSchedule({ type: "cron", cron: "0 12 * * 1,5" }), 'Cron "0 12 * * 1,5" (UTC)');
});

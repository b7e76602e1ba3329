// Cron strings as the backend's parser (Convex's fork of saffron) reads and matches them. The
// dated examples are the crate's own test cases and the backend's next_ts.rs tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CRON_PARSE_ERROR, cronMatches, nextCronTime, parseCronExpression } from "../../runtime/scheduler/cron-expression";

const at = (text: string) => Date.parse(`${text}:00Z`);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(0, 16));

function assertMatches(expression: string, times: string[], expected = true) {
  const pattern = parseCronExpression(expression);
  for (const time of times)
    assert.equal(cronMatches(pattern, at(time)), expected, `${expression} ${expected ? "should" : "should not"} match ${time}`);
}

/** The next `count` run times after `from`. */
function upcoming(expression: string, from: string, count: number): string[] {
  const pattern = parseCronExpression(expression);
  const times: string[] = [];
  let cursor = at(from);
  for (let i = 0; i < count; i++) {
    const next = nextCronTime(pattern, cursor);
    if (next === null) break;
    times.push(iso(next)!);
    cursor = next;
  }
  return times;
}

test("five fields, spaces or tabs between; anything else is the crate's one error", () => {
  for (const ok of [
    "* * * * *",
    "0 12 * * 1,5",
    "0\t12 * *  *",
    "*/15,30-59/10 0 * * *",
    "0 0 L-3W FEB *",
    "0 0 * * SAT#5",
    "0 0 * jan-MAR mon-fri",
    "007 00 01 01 0",
  ]) {
    assert.doesNotThrow(() => parseCronExpression(ok), ok);
  }
  const bad = [
    "0 12 * * 7", // the backend's own example: 7 is not a day of the week
    "0 0 * * * *", // six fields
    "0 0 * *",
    " 0 0 * * *",
    "0 0 * * * ",
    "60 * * * *",
    "* 24 * * *",
    "* * 0 * *",
    "* * 32 * *",
    "* * * 13 *",
    "*/0 * * * *",
    "*/60 * * * *",
    "* * */31 * *",
    "* * * */12 *",
    "* * * * */7",
    "*,5 * * * *",
    "*-5 * * * *",
    "? * * * *",
    "0 0 * * MONDAY",
    "0 0 * * 5#6",
    "0 0 L-31 * *",
    "0 0 l * *",
    "0 0 15W,16 * *",
    "0 0 * * 5L,4",
    "0 0 * JAN,FOO *",
    "0 0 1-32 * *",
    "256 * * * *",
  ];
  for (const text of bad) assert.throws(() => parseCronExpression(text), { message: CRON_PARSE_ERROR }, text);
});

test("the backend's examples: every Monday and Friday at 12:00 UTC", () => {
  // Feb 28 2023 08:35 UTC, a Tuesday (next_ts.rs, test_compute_next_ts_cron).
  assert.deepEqual(upcoming("0 12 * * 1,5", "2023-02-28T08:35", 2), ["2023-03-03T12:00", "2023-03-06T12:00"]);
});

test("day of week: 0 is Sunday, names in any case, ranges of names", () => {
  assert.deepEqual(upcoming("0 0 * * 0", "2024-06-01T00:00", 2), ["2024-06-02T00:00", "2024-06-09T00:00"]);
  assert.deepEqual(upcoming("0 0 * * sun", "2024-06-01T00:00", 1), ["2024-06-02T00:00"]);
  assertMatches("0 0 * JAN SAT-SUN", ["2020-01-04T00:00", "2020-01-05T00:00", "2020-01-11T00:00", "2020-01-12T00:00"]);
  assertMatches("0 0 * * MON-FRI", ["2024-06-01T00:00", "2024-06-02T00:00"], false);
  // `L` alone in the day-of-week field is Saturday.
  assertMatches("0 0 * * L", ["2024-06-01T00:00"]);
});

test("both day fields restricted: either one matches", () => {
  // The 13th, or any Friday.
  assert.deepEqual(upcoming("0 0 13 * 5", "2024-09-01T00:00", 4), [
    "2024-09-06T00:00",
    "2024-09-13T00:00",
    "2024-09-20T00:00",
    "2024-09-27T00:00",
  ]);
  assert.deepEqual(upcoming("0 0 13 * 5", "2024-10-10T00:00", 2), ["2024-10-11T00:00", "2024-10-13T00:00"]);
});

test("month ends and leap years", () => {
  assert.deepEqual(upcoming("0 0 31 * *", "2024-01-31T00:00", 3), ["2024-03-31T00:00", "2024-05-31T00:00", "2024-07-31T00:00"]);
  assert.deepEqual(upcoming("0 0 29 2 *", "2023-03-01T00:00", 2), ["2024-02-29T00:00", "2028-02-29T00:00"]);
  assert.equal(nextCronTime(parseCronExpression("0 0 30 2 *"), at("2024-01-01T00:00")), null);
  assert.equal(nextCronTime(parseCronExpression("0 0 31 4,6,9,11 *"), at("2024-01-01T00:00")), null);
  assertMatches("0 0 L FEB *", ["2400-02-29T00:00", "2300-02-28T00:00", "2100-02-28T00:00", "2024-02-29T00:00", "2000-02-29T00:00"]);
  assertMatches("0 0 L-1 FEB *", ["2024-02-28T00:00", "2100-02-27T00:00"]);
  assertMatches("0 0 L-1 FEB *", ["2024-02-29T00:00", "2100-02-28T00:00"], false);
  assert.deepEqual(upcoming("30 23 L * *", "2024-02-01T00:00", 2), ["2024-02-29T23:30", "2024-03-31T23:30"]);
});

test("nearest and last weekdays, nth and last weekday of the month", () => {
  assertMatches("0 0 LW MAY *", ["2025-05-30T00:00", "2021-05-31T00:00", "2020-05-29T00:00"]);
  assertMatches("0 0 L-1W MAY *", ["2025-05-30T00:00", "2021-05-31T00:00", "2020-05-29T00:00"]);
  assertMatches("0 0 L-30W * *", ["2021-05-03T00:00", "2022-01-03T00:00"]);
  assertMatches("0 0 1W MAY *", ["2020-05-01T00:00", "2022-05-02T00:00", "2021-05-03T00:00"]);
  assertMatches("0 0 * * 6L", ["2020-01-25T00:00", "2020-02-29T00:00", "2020-03-28T00:00", "2020-04-25T00:00", "2020-05-30T00:00"]);
  assertMatches("0 0 * * 6L", ["2020-01-31T00:00", "2020-02-28T00:00", "2020-05-31T00:00"], false);
  assertMatches("0 0 * * SAT#5", ["2020-02-29T00:00", "2020-05-30T00:00", "2020-08-29T00:00", "2020-10-31T00:00"]);
  assertMatches("0 0 * * SAT#5", ["2020-01-31T00:00", "2020-02-28T00:00"], false);
  assert.deepEqual(upcoming("0 9 * * 1#1", "2024-06-01T00:00", 2), ["2024-06-03T09:00", "2024-07-01T09:00"]);
});

test("steps and lists", () => {
  assertMatches("*/15,30-59/10 0 * * *", [
    "2020-01-01T00:00",
    "2020-01-01T00:15",
    "2020-01-01T00:30",
    "2020-01-01T00:40",
    "2020-01-01T00:45",
    "2020-01-01T00:50",
  ]);
  assertMatches("*/15,30-59/10 0 * * *", ["2020-01-01T00:10", "2020-01-01T00:35", "2020-01-01T01:00"], false);
  assert.deepEqual(upcoming("5/20 * * * *", "2024-01-01T00:00", 4), [
    "2024-01-01T00:05",
    "2024-01-01T00:25",
    "2024-01-01T00:45",
    "2024-01-01T01:05",
  ]);
});

test("wrapping ranges and steps keep the crate's quirks", () => {
  // `50-10` also holds minute 49, as the crate computes it.
  assertMatches("50-10 * * * *", ["2024-01-01T00:49", "2024-01-01T00:59", "2024-01-01T00:00", "2024-01-01T00:10"]);
  assertMatches("50-10 * * * *", ["2024-01-01T00:48", "2024-01-01T00:11"], false);
  assertMatches("59-0 23-0 31-1 12-1 *", ["2020-01-31T00:59", "2020-01-01T23:00", "2020-12-31T23:59", "2020-12-01T00:00"]);
  // A wrapping step over days of the month counts past the 31st and skips the 1st.
  const days = [...Array(31).keys()]
    .map((i) => i + 1)
    .filter((day) => cronMatches(parseCronExpression("0 0 25-5/2 * *"), Date.UTC(2024, 0, day)));
  assert.deepEqual(days, [2, 4, 25, 27, 29, 31]);
});

test("the next time is strictly after the given one, at a whole minute", () => {
  const pattern = parseCronExpression("* * * * *");
  assert.equal(iso(nextCronTime(pattern, at("2024-01-01T10:00"))), "2024-01-01T10:01");
  assert.equal(iso(nextCronTime(pattern, at("2024-01-01T10:00") + 59_999)), "2024-01-01T10:01");
  assert.equal(iso(nextCronTime(parseCronExpression("0 0 1 1 *"), at("2024-12-31T23:59"))), "2025-01-01T00:00");
});

// A crons module checked as the backend checks it on push, with real `cronJobs()` objects from
// the `convex` package, and the backend's texts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cronJobs, makeFunctionReference } from "convex/server";
import { cronSpecsOf, cronsOfModule, pickedMinute } from "../../runtime/scheduler/cron-spec";
import type { FunctionInfo } from "../../runtime/shared/protocol";

/** A reference to any function path, as `internal.jobs.tick` would be. */
const ref = (path: string) => makeFunctionReference<"mutation">(path);
const fn = (name: string, udfType: FunctionInfo["udfType"]): FunctionInfo => ({
  name,
  udfType,
  visibility: "internal",
  args: null,
  returns: null,
});
const FUNCTIONS = [fn("jobs:tick", "mutation"), fn("jobs:report", "action"), fn("jobs:list", "query"), fn("cleanup", "mutation")];

test("every kind of schedule, as the package exports it, sorted by identifier", () => {
  const crons = cronJobs();
  crons.interval("every 30s", { seconds: 30 }, ref("jobs:tick"), { n: 1 });
  crons.interval("every 2 minutes", { minutes: 2 }, ref("jobs:tick"));
  crons.hourly("hourly", { minuteUTC: 5 }, ref("jobs:report"));
  crons.daily("daily", { hourUTC: 8, minuteUTC: 30 }, ref("jobs:report"));
  crons.weekly("weekly", { dayOfWeek: "sunday", hourUTC: 17, minuteUTC: 0 }, ref("jobs:report"));
  crons.monthly("monthly", { day: 31, hourUTC: 0, minuteUTC: 0 }, ref("cleanup:default"));
  crons.cron("cron", "0 12 * * 1,5", ref("jobs:tick"), { big: 10n });
  const specs = cronsOfModule({ default: crons }, FUNCTIONS)!;
  assert.deepEqual(
    specs.map((s) => [s.identifier, s.udfPath, s.schedule]),
    [
      ["cron", "jobs.js:tick", { type: "cron", cron: "0 12 * * 1,5" }],
      ["daily", "jobs.js:report", { type: "daily", hourUTC: 8, minuteUTC: 30 }],
      ["every 2 minutes", "jobs.js:tick", { type: "interval", seconds: 120 }],
      ["every 30s", "jobs.js:tick", { type: "interval", seconds: 30 }],
      ["hourly", "jobs.js:report", { type: "hourly", minuteUTC: 5 }],
      ["monthly", "cleanup.js:default", { type: "monthly", day: 31, hourUTC: 0, minuteUTC: 0 }],
      ["weekly", "jobs.js:report", { type: "weekly", dayOfWeek: 0, hourUTC: 17, minuteUTC: 0 }],
    ],
  );
  // Arguments stay in wire form, as `[argsObject]`.
  assert.deepEqual(specs.find((s) => s.identifier === "cron")!.args, [{ big: { $integer: "CgAAAAAAAAA=" } }]);
  assert.deepEqual(specs.find((s) => s.identifier === "every 2 minutes")!.args, [{}]);
});

test("a calendar schedule without minuteUTC gets a stable minute of its own", () => {
  const crons = cronJobs();
  crons.hourly("spread out", ref("jobs:tick"));
  crons.daily("nightly", { hourUTC: 3 }, ref("jobs:tick"));
  const specs = cronsOfModule({ default: crons }, FUNCTIONS)!;
  assert.deepEqual(specs.find((s) => s.identifier === "spread out")!.schedule, { type: "hourly", minuteUTC: pickedMinute("spread out") });
  assert.deepEqual(specs.find((s) => s.identifier === "nightly")!.schedule, {
    type: "daily",
    hourUTC: 3,
    minuteUTC: pickedMinute("nightly"),
  });
  assert.ok(pickedMinute("spread out") >= 0 && pickedMinute("spread out") < 60);
  assert.notEqual(pickedMinute("a"), pickedMinute("b"));
});

test("what the backend refuses on push, in its words", () => {
  const invalid = (entry: Record<string, unknown>) => () => cronSpecsOf({ job: { name: "jobs:tick", args: [{}], ...entry } });
  assert.throws(invalid({ schedule: { type: "interval", seconds: 5, minutes: 1 } }), {
    message: "Exactly one of (seconds, minutes, hours) should be specified",
  });
  assert.throws(invalid({ schedule: { type: "interval" } }), { message: "Exactly one of (seconds, minutes, hours) should be specified" });
  assert.throws(invalid({ schedule: { type: "interval", hours: 0 } }), { message: "Interval must be an integer greater than 0" });
  assert.throws(invalid({ schedule: { type: "interval", seconds: 1.5 } }), { message: "Invalid JSON" });
  assert.throws(invalid({ schedule: { type: "yearly" } }), { message: "Invalid JSON" });
  assert.throws(invalid({ schedule: { type: "weekly", dayOfWeek: "Tuesday", hourUTC: 1, minuteUTC: 0 } }), { message: "Invalid JSON" });
  assert.throws(invalid({ schedule: { type: "hourly", minuteUTC: 60 } }), (error: Error) =>
    error.message.startsWith('minuteUTC must be 0-59 in {\n  "name": "jobs:tick"'),
  );
  assert.throws(invalid({ schedule: { type: "daily", hourUTC: 24, minuteUTC: 0 } }), { message: /^hourUTC must be 0-23 in \{/ });
  assert.throws(invalid({ schedule: { type: "monthly", day: 0, hourUTC: 0, minuteUTC: 0 } }), {
    message: /^day of month must be 1-31 in \{/,
  });
  assert.throws(invalid({ schedule: { type: "cron", cron: "0 12 * * 7" } }), {
    message: 'Failed to parse cron expression: "0 12 * * 7" (cron job "job")',
  });
  assert.throws(invalid({ schedule: { type: "cron", cron: "0 0 30 2 *" } }), {
    message: 'Could not compute next timestamp for cron: "0 0 30 2 *" (cron job "job") never matches a date',
  });
  assert.throws(invalid({ args: {}, schedule: { type: "hourly", minuteUTC: 0 } }), { message: "Invalid JSON" });
  assert.throws(() => cronSpecsOf({ "caf\u00e9": { name: "jobs:tick", args: [{}], schedule: { type: "hourly", minuteUTC: 0 } } }), {
    message:
      "CronIdentifier caf\u00e9 has invalid character '\u00e9': CronIdentifiers can only contain ASCII letters, numbers, spaces, underscores, dashes and apostrophes",
  });
});

test("the module's default export must be a Crons object", () => {
  assert.equal(cronsOfModule(undefined, FUNCTIONS), null);
  assert.throws(() => cronsOfModule({ other: 1 }, FUNCTIONS), {
    message: "`convex/crons.js` must have a default export of a Crons object.",
  });
  for (const value of [null, undefined, {}, { isCrons: "yes" }, 42]) {
    assert.throws(() => cronsOfModule({ default: value }, FUNCTIONS), {
      message: "The default export of `convex/crons.js` is not a Crons object.",
    });
  }
  assert.throws(() => cronsOfModule({ default: { isCrons: true } }, FUNCTIONS), { message: ".export property on Crons object not found" });
  assert.deepEqual(cronsOfModule({ default: cronJobs() }, FUNCTIONS), []);
});

test("a job must name a mutation or an action of the loaded code", () => {
  const named = (ref: unknown) => {
    const crons = cronJobs();
    crons.interval("job", { minutes: 1 }, ref as never);
    return () => cronsOfModule({ default: crons }, FUNCTIONS);
  };
  assert.throws(named(ref("jobs:list")), {
    message: 'The cron job "job" runs jobs.js:list, which is a query: a cron job runs a mutation or an action.',
  });
  assert.throws(named(ref("jobs:missing")), {
    message: 'The cron job "job" runs jobs.js:missing, but jobs.js exports no function "missing". Did you forget to export it?',
  });
  assert.throws(named(ref("nowhere:fn")), { message: 'The cron job "job" runs nowhere.js:fn, but there is no module nowhere.js.' });
});

// What a reload does to stored cron jobs, as the backend's push does: create, update (moving the
// next run only for a new schedule), delete; other components' jobs are left alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { reconcileCrons } from "../../runtime/scheduler/cron-reconcile";
import type { CronJob } from "../../runtime/scheduler/cron-docs";
import type { CronSpec } from "../../runtime/scheduler/cron-spec";

const NOW = Date.parse("2024-05-01T10:00:00Z");

const spec = (identifier: string, overrides: Partial<CronSpec> = {}): CronSpec => ({
  identifier,
  udfPath: "jobs.js:tick",
  args: [{}],
  schedule: { type: "interval", seconds: 60 },
  ...overrides,
});

const stored = (name: string, overrides: Partial<CronJob> = {}, component = ""): CronJob => ({
  _id: `id-${component}-${name}`,
  component,
  name,
  cronSpec: { udfPath: "jobs.js:tick", udfArgs: "[{}]", cronSchedule: { type: "interval", seconds: 60 } },
  state: { type: "pending" },
  prevTs: NOW - 30_000,
  nextTs: NOW + 30_000,
  ...overrides,
});

test("a new job is created; an interval job's first run is now, a calendar job's the next match", () => {
  const changes = reconcileCrons("", [], [spec("a"), spec("b", { schedule: { type: "daily", hourUTC: 8, minuteUTC: 0 } })], NOW);
  assert.deepEqual(
    changes.create.map((job) => [job.name, job.component, job.state, job.prevTs, new Date(job.nextTs).toISOString()]),
    [
      ["a", "", { type: "pending" }, null, "2024-05-01T10:00:00.000Z"],
      ["b", "", { type: "pending" }, null, "2024-05-02T08:00:00.000Z"],
    ],
  );
  assert.deepEqual([changes.update, changes.remove], [[], []]);
});

test("an unchanged job is left alone: reloading does not restart its interval", () => {
  assert.deepEqual(reconcileCrons("", [stored("a")], [spec("a")], NOW), { create: [], update: [], remove: [] });
});

test("new arguments or function keep the next run; a new schedule counts from the previous run", () => {
  const args = reconcileCrons("", [stored("a")], [spec("a", { args: [{ n: 2 }] })], NOW);
  assert.deepEqual(
    args.update.map((job) => [job.cronSpec.udfArgs, job.nextTs]),
    [['[{"n":2}]', NOW + 30_000]],
  );
  const faster = reconcileCrons("", [stored("a")], [spec("a", { schedule: { type: "interval", seconds: 10 } })], NOW);
  // Previous run 30 s ago + 10 s: in the past, so it runs at once.
  assert.deepEqual(
    faster.update.map((job) => job.nextTs),
    [NOW - 20_000],
  );
  const neverRan = reconcileCrons("", [stored("a", { prevTs: null })], [spec("a", { schedule: { type: "interval", seconds: 10 } })], NOW);
  assert.deepEqual(
    neverRan.update.map((job) => job.nextTs),
    [NOW],
  );
  const hourly = reconcileCrons("", [stored("a")], [spec("a", { schedule: { type: "hourly", minuteUTC: 15 } })], NOW);
  assert.deepEqual(
    hourly.update.map((job) => new Date(job.nextTs).toISOString()),
    ["2024-05-01T10:15:00.000Z"],
  );
});

test("a job no longer declared is deleted; other components' jobs are not touched", () => {
  const changes = reconcileCrons("", [stored("a"), stored("gone"), stored("a", {}, "rateLimiter")], [spec("a")], NOW);
  assert.deepEqual(
    changes.remove.map((job) => job._id),
    ["id--gone"],
  );
  const component = reconcileCrons("rateLimiter", [stored("a"), stored("a", {}, "rateLimiter")], [], NOW);
  assert.deepEqual(
    component.remove.map((job) => job._id),
    ["id-rateLimiter-a"],
  );
});

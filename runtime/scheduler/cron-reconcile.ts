// What a (re)load changes in a component's cron jobs, as the backend decides on push
// (crates/model/src/config/mod.rs, ConfigModel::apply; cron_jobs/mod.rs, CronModel):
// - a new identifier is created, its first run computed from now (an interval job runs at once);
// - a job whose function, arguments or schedule changed takes the new spec; only a changed
//   schedule moves its next run, computed from its previous scheduled run (or from now if it
//   never ran), so a shorter interval can make it run at once;
// - an identifier no longer declared is deleted, with its recorded runs;
// - an unchanged job keeps its next run: reloading does not restart intervals.
// Pure: `now` comes in.
import { type CronJob, newJobFields, specFields } from "./cron-docs";
import { nextRunTime, sameSchedule } from "./cron-schedule";
import type { CronSpec } from "./cron-spec";
import type { CronChanges } from "./cron-store";

export function reconcileCrons(component: string, stored: readonly CronJob[], specs: readonly CronSpec[], now: number): CronChanges {
  const changes: CronChanges = { create: [], update: [], remove: [] };
  const byName = new Map<string, CronJob>();
  for (const job of stored) {
    if (job.component !== component) continue;
    // Two documents for one identifier cannot come from us; keep the first, drop the other.
    if (byName.has(job.name)) changes.remove.push(job);
    else byName.set(job.name, job);
  }
  for (const spec of specs) {
    const job = byName.get(spec.identifier);
    byName.delete(spec.identifier);
    if (!job) {
      changes.create.push(newJobFields(component, spec, nextRunTime(spec.schedule, null, now)));
      continue;
    }
    const cronSpec = specFields(spec);
    const scheduleChanged = !sameSchedule(job.cronSpec.cronSchedule, spec.schedule);
    if (!scheduleChanged && job.cronSpec.udfPath === cronSpec.udfPath && job.cronSpec.udfArgs === cronSpec.udfArgs) continue;
    changes.update.push({ ...job, cronSpec, nextTs: scheduleChanged ? nextRunTime(spec.schedule, job.prevTs, now) : job.nextTs });
  }
  changes.remove.push(...byName.values());
  return changes;
}

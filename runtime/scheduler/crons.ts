// `convex/crons.ts` while serving: on each (re)load the app's declared jobs are reconciled with
// the stored ones (`_cron_jobs`), and each job runs at its next time as its own execution, without
// an identity. The state lives in the database, so a restart follows the backend's rule for runs
// missed meanwhile: a job whose time passed runs once at start, further missed times are skipped.
// Every component install has its own jobs (its `crons` module), run inside that install.
import type { Runtime } from "../host/runtime";
import type { LoadedProject } from "../shared/protocol";
import type { RuntimeFeature } from "../shared/feature";
import { CronService } from "./cron-service";

/** How long `close()` waits for running jobs before letting the runtime stop under them. */
const CLOSE_WAIT_MS = 5000;

export interface CronsFeature extends RuntimeFeature {
  readonly service: CronService;
}

export function attachCrons(runtime: Runtime): CronsFeature {
  const service = new CronService(runtime);
  const onLoaded = (project: LoadedProject) => {
    for (const component of project.components) void service.loadCrons(component.path, component.crons);
  };
  runtime.on("loaded", onLoaded);
  if (runtime.ready && runtime.project) onLoaded(runtime.project);
  return {
    service,
    async close() {
      runtime.off("loaded", onLoaded);
      await service.close(CLOSE_WAIT_MS);
    },
  };
}

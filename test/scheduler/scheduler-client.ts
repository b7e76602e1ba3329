// Calls into the scheduler-app fixture and waits for jobs, for the scheduler tests.
import type { FixtureServer } from "../helpers/serve-fixture";
import type { RunFunctionOptions } from "../../runtime/host/runtime";

export interface JobDocument {
  _id: string;
  _creationTime: number;
  name: string;
  args: unknown[];
  scheduledTime: number;
  completedTime?: number;
  state: { kind: string; error?: string };
}

export interface RunRow {
  label: string;
  n?: number;
  at: number;
  identity: unknown;
}

export class SchedulerClient {
  constructor(readonly server: FixtureServer) {}

  /** Runs a function and returns its value; throws its error message. */
  async call<T = unknown>(name: string, args: Record<string, unknown> = {}, options: RunFunctionOptions = {}): Promise<T> {
    const outcome = await this.server.runtime.runFunction(name, args as never, options);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.value as T;
  }

  /** The error message a call fails with (fails the test if it succeeds). */
  async failure(name: string, args: Record<string, unknown> = {}): Promise<string> {
    const outcome = await this.server.runtime.runFunction(name, args as never);
    if (outcome.ok) throw new Error(`${name} was expected to fail but returned ${JSON.stringify(outcome.value)}`);
    return outcome.error.message;
  }

  job(id: string): Promise<JobDocument | null> {
    return this.call<JobDocument | null>("jobs:job", { id });
  }

  allJobs(): Promise<JobDocument[]> {
    return this.call<JobDocument[]>("jobs:allJobs");
  }

  runs(label: string): Promise<RunRow[]> {
    return this.call<RunRow[]>("jobs:runs", { label });
  }

  /** Polls the job until its state is `kind`; returns the document. */
  async waitForState(id: string, kind: string, timeoutMs = 10_000): Promise<JobDocument> {
    let last: JobDocument | null = null;
    await waitFor(
      async () => {
        last = await this.job(id);
        return last?.state.kind === kind;
      },
      timeoutMs,
      () => `job ${id} to be ${kind} (last seen: ${JSON.stringify(last)})`,
    );
    return last!;
  }
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what: () => string = () => "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

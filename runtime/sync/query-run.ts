// Runs one subscribed query as the backend runs it for the sync protocol: a public query, the
// session's token as identity, its reads recorded (read-recorder.ts), and its outcome as the
// modification a Transition carries.
import { newRequestId, type Runtime } from "../host/runtime";
import { functionFailure } from "../function-api/failure";
import type { ExecutionCause } from "../logs/log-store";
import type { StateModification } from "./protocol";
import type { ReadRecorder } from "./read-recorder";
import type { ReadSet } from "./read-set";
import type { Subscription } from "./subscription";

type Modification = Extract<StateModification, { type: "QueryUpdated" | "QueryFailed" }>;

export interface QueryRunOutcome {
  modification: Modification;
  reads: ReadSet;
  /** The snapshot it read; null when it never began a transaction (it failed before). */
  snapshotTs: bigint | null;
}

export async function runSubscribedQuery(
  runtime: Runtime,
  recorder: ReadRecorder,
  subscription: Subscription,
  token: string | null,
  /** Why it runs: the logs panel shows it on the run's rows. */
  cause: ExecutionCause,
): Promise<QueryRunOutcome> {
  const requestId = newRequestId();
  const record = recorder.record(requestId, subscription.journal);
  const { queryId } = subscription;
  try {
    let modification: Modification;
    try {
      const outcome = await runtime.runFunction(subscription.udfPath, subscription.args, {
        udfType: "query",
        componentPath: subscription.componentPath,
        publicOnly: true,
        authToken: token,
        caller: "sync",
        requestId,
        cause,
      });
      modification = outcome.ok
        ? { type: "QueryUpdated", queryId, value: outcome.value, logLines: outcome.logLines, journal: record.journal }
        : {
            type: "QueryFailed",
            queryId,
            ...functionFailure(requestId, outcome.error),
            logLines: outcome.logLines,
            journal: record.journal,
          };
    } catch (error) {
      // Nothing to run it on (the project does not build, the runtime stops): the query fails
      // with the reason, and runs again once a build loads.
      const message = error instanceof Error ? error.message : String(error);
      modification = { type: "QueryFailed", queryId, errorMessage: message, logLines: [], journal: subscription.journal };
    }
    return { modification, reads: record.reads, snapshotTs: record.snapshotTs };
  } finally {
    recorder.forget(requestId);
  }
}

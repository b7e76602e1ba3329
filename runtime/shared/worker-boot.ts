// How a user-code worker thread starts. It boots with `WorkerBoot` as its workerData, possibly
// before there is a build to load (the spare that the next reload takes, see host/worker-supply),
// and gets the build as one `WorkerStart` message on its own port.
import type { MessagePort } from "node:worker_threads";
import type { WorkerInit } from "./protocol";

export interface WorkerBoot {
  control: SharedArrayBuffer;
  syncBuffer: SharedArrayBuffer;
  /** Receives the one `WorkerStart`. parentPort is not used for it: its messages wait for main's handler. */
  startPort: MessagePort;
  /** A module (file URL) to import while waiting: the project's `convex`, resolved as built modules resolve it. */
  prewarm: string | null;
}

export interface WorkerStart {
  init: Omit<WorkerInit, "control" | "syncBuffer">;
  /** The host's process.env at hand-over: what a worker spawned at that moment would have copied. */
  hostEnv: Record<string, string>;
}

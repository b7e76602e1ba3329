// Why the runtime cannot run a request now. Requests wait for a load in progress
// (Runtime.whenServing); these are the answers left when waiting does not help, worded for the
// people who read them in an HTTP response.
import { whereInProject, type BuildMessage } from "../loader/index";

/** How long a request waits for a load in progress (the first one, or one after a failed build). */
export const LOAD_WAIT_MS = 30_000;

export type NotServingReason = "build-failed" | "still-loading" | "stopped";

export class NotServingError extends Error {
  constructor(
    readonly reason: NotServingReason,
    message: string,
  ) {
    super(message);
  }

  static buildFailed(errors: BuildMessage[], projectDir: string): NotServingError {
    const lines = errors.map((e) => `${whereInProject(e, projectDir)}: ${e.text}`);
    return new NotServingError(
      "build-failed",
      `Convex Lens cannot run this request: the project does not build:\n${lines.join("\n")}\nFix it and save: it reloads by itself.`,
    );
  }

  static stillLoading(): NotServingError {
    return new NotServingError(
      "still-loading",
      `Convex Lens cannot run this request yet: the project was still loading after ${LOAD_WAIT_MS / 1000} s. Try again in a moment.`,
    );
  }

  static stopped(): NotServingError {
    return new NotServingError("stopped", "Convex Lens is stopping: it no longer runs requests.");
  }
}

// What the functions panel's tabs share: the UI helpers, the host's latest state, requests to the
// host with checked replies, the panel's notice for failed host calls, and whether the runtime
// can answer.
import type { Ui } from "../components";
import { HostRequestError, type HostRequest } from "../host-bridge";
import type { FunctionsPanelState } from "../protocol/functions";

export interface PanelContext {
  ui: Ui;
  /** What the host last pushed (or the saved state until it does). */
  state(): FunctionsPanelState | null;
  /** A request whose reply must pass `check`; a failure rejects with the message to show. */
  ask<T>(message: HostRequest, check: (value: unknown) => value is T): Promise<T>;
  /** A request whose reply is read as is (a delete's true or false). */
  request(message: HostRequest): Promise<unknown>;
  /** A request whose reply does not matter; its failure goes to the panel's notice. */
  tell(message: HostRequest, what: string): Promise<void>;
  showActionError(message: string | null): void;
  /** The host last said the runtime is ready. */
  ready(): boolean;
  disposed(): boolean;
}

export const BAD_REPLY = "The extension sent a reply this panel cannot show.";

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The panel went away while the request was out: nothing to show. */
export const isClosed = (error: unknown) => error instanceof HostRequestError && error.reason === "closed";

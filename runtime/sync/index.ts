// The sync protocol as a feature of serving: the WebSocket on the API origin, and the hub that
// keeps every subscribed query current (see sync-hub.ts).
import type { Runtime } from "../host/runtime";
import type { AllowedNames } from "../http/allowed-names";
import type { Listening } from "../http/listen";
import type { RuntimeFeature } from "../shared/feature";
import { serveSyncSockets } from "./socket-server";
import { SyncHub, type SubscriptionInfo, type SyncStats } from "./sync-hub";

export interface SyncFeature extends RuntimeFeature {
  /** Sessions, subscriptions and re-runs so far (tests, the benchmark, the panels). */
  readonly stats: SyncStats;
  /** Every subscribed query of every open connection (the functions panel's list). */
  subscriptions(): SubscriptionInfo[];
  /**
   * Calls `listener` when `subscriptions()` may say something new (a query subscribed, removed or
   * ran, a connection closed), coalesced to at most one call every 250 ms; returns the unsubscribe.
   */
  onSubscriptionsChanged(listener: () => void): () => void;
  /** Resolves once every update due has been sent. */
  settled(): Promise<void>;
}

export async function attachSync(runtime: Runtime, api: Listening, allowed: Partial<AllowedNames>): Promise<SyncFeature> {
  const hub = new SyncHub(runtime);
  await hub.start();
  const sockets = serveSyncSockets(api.server, hub, allowed);
  return {
    get stats() {
      return hub.stats;
    },
    subscriptions: () => hub.subscriptions(),
    onSubscriptionsChanged: (listener) => hub.onSubscriptionsChanged(listener),
    settled: () => hub.settled(),
    close() {
      sockets.close();
      hub.close();
    },
  };
}

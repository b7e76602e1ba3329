// Keeps every session's subscriptions current. Work happens in rounds, one at a time: a round
// takes the latest commit's timestamp T, applies what sessions asked for (queries added or removed,
// a new identity), runs the new queries and every query a commit up to T touched, and sends each
// session a Transition to T. Commits are seen as they happen (Store.onCommit, before the write
// lock is released), so every commit up to T has marked what it touched before the round starts.
// A commit made while a round runs marks what it touches for the next round, and is checked
// against the read sets the round's runs produce too: a run that read before it must not miss it.
//
// Each run says why it ran (ExecutionCause, shown by the logs panel): a new subscription, a commit
// (with the request whose function committed), a reload, or a new identity. A round may batch
// several commits; a subscription keeps the cause that first made it due since its last run began,
// so a re-run links to the first commit that touched what it read (later ones only joined it).
import type { Runtime } from "../host/runtime";
import type { ExecutionCause } from "../logs/log-store";
import { CoalescedSignal } from "../shared/coalesced-signal";
import type { LogEntry } from "../store/persistence";
import { commitWrites } from "./commit-writes";
import { runSubscribedQuery, type QueryRunOutcome } from "./query-run";
import type { DocumentWrite } from "./read-set";
import { ReadSetIndex } from "./read-set-index";
import { ReadRecorder } from "./read-recorder";
import { MutationLedger } from "./mutation-ledger";
import type { SessionHost, SyncSession } from "./session";
import { Subscription } from "./subscription";
import { componentRefused } from "./client-function";
import { argsObject, BAD_ARGS } from "./client-message";

/** One subscribed query as the functions panel lists it. */
export interface SubscriptionInfo {
  /** The connection it belongs to: its number in this runtime, and who opened it. */
  session: number;
  client: string;
  udfPath: string;
  componentPath: string;
  args: unknown;
  runs: number;
  /** When its client was last sent a new result (ms since the epoch); null before the first. */
  updatedAt: number | null;
}

/** The functions panel hears of changes to `subscriptions()` at most this often. */
export const SUBSCRIPTIONS_SIGNAL_MS = 250;

export interface SyncStats {
  sessions: number;
  subscriptions: number;
  /** Runs of subscribed queries because a commit (or a reload) touched what they read. */
  reruns: number;
}

export class SyncHub implements SessionHost {
  readonly #sessions = new Set<SyncSession>();
  readonly #index = new ReadSetIndex();
  readonly #recorder: ReadRecorder;
  /** Subscriptions due to run again since they last ran, and why (the first cause). */
  readonly #touched = new Map<Subscription, ExecutionCause>();
  readonly #owners = new Map<Subscription, SyncSession>();
  /** Commits made while the current round runs: [ts, writes, the committing request]. */
  #commitsDuringRound: Array<[bigint, DocumentWrite[], string | null]> | null = null;
  /** `subscriptions()` may say something new: a query subscribed, removed, ran, or its connection ended. */
  readonly #listChanged = new CoalescedSignal(SUBSCRIPTIONS_SIGNAL_MS);
  #latestTs = 0n;
  #round: Promise<void> | null = null;
  #roundAgain = false;
  #reruns = 0;
  readonly #unsubscribe: Array<() => void> = [];
  readonly mutations = new MutationLedger();

  constructor(readonly runtime: Runtime) {
    this.#recorder = new ReadRecorder(runtime.events, () => runtime.store.appliedSchema());
    runtime.services.databaseWatcher = this.#recorder;
    this.#unsubscribe.push(runtime.store.onCommit((ts, entry, requestId) => this.#committed(ts, entry, requestId)));
    // New code may compute anything differently: every subscription runs again.
    const onLoaded = () => this.#touchAll({ kind: "reload" });
    runtime.on("loaded", onLoaded);
    this.#unsubscribe.push(() => runtime.off("loaded", onLoaded));
  }

  /** Starts reading the latest commit's timestamp (a round before any commit reports it). */
  async start(): Promise<void> {
    const tx = await this.runtime.store.beginRead();
    if (tx.snapshotTs > this.#latestTs) this.#latestTs = tx.snapshotTs;
    tx.end();
  }

  /** Every subscribed query of every open connection, oldest connection first. */
  subscriptions(): SubscriptionInfo[] {
    const list: SubscriptionInfo[] = [];
    for (const session of this.#sessions) {
      for (const subscription of session.subscriptions.values()) {
        list.push({
          session: session.id,
          client: session.client,
          udfPath: subscription.udfPath,
          componentPath: subscription.componentPath,
          args: subscription.args,
          runs: subscription.runs,
          updatedAt: subscription.updatedAt,
        });
      }
    }
    return list;
  }

  /** Calls `listener` when `subscriptions()` may say something new, at most every SUBSCRIPTIONS_SIGNAL_MS. */
  onSubscriptionsChanged(listener: () => void): () => void {
    return this.#listChanged.subscribe(listener);
  }

  get stats(): SyncStats {
    return { sessions: this.#sessions.size, subscriptions: this.#owners.size, reruns: this.#reruns };
  }

  add(session: SyncSession): void {
    this.#sessions.add(session);
  }

  latestTs(): bigint {
    return this.#latestTs;
  }

  changed(): void {
    this.#scheduleRound();
  }

  ended(session: SyncSession): void {
    this.#sessions.delete(session);
    for (const subscription of session.subscriptions.values()) this.#drop(subscription);
    if (session.subscriptions.size > 0) this.#listChanged.changed();
    session.subscriptions.clear();
  }

  /** Resolves once no round runs or is due (tests, the benchmark). */
  async settled(): Promise<void> {
    while (this.#round !== null) await this.#round;
  }

  close(): void {
    for (const stop of this.#unsubscribe) stop();
    this.#listChanged.close();
    if (this.runtime.services.databaseWatcher === this.#recorder) this.runtime.services.databaseWatcher = null;
    this.#recorder.close();
  }

  #committed(ts: bigint, entry: LogEntry | null, requestId: string | null): void {
    if (ts > this.#latestTs) this.#latestTs = ts;
    if (this.#owners.size === 0) return;
    try {
      this.#touchedByCommit(ts, entry, requestId);
    } catch (error) {
      // The commit is made and must not fail for us: every subscription runs again instead.
      this.runtime.notice(`Live queries could not tell what a commit changed (${describe(error)}); all of them run again.`);
      this.#touchAll({ kind: "commit", requestId });
    }
  }

  #touchedByCommit(ts: bigint, entry: LogEntry | null, requestId: string | null): void {
    if (entry === null) {
      // A schema change (a reload's): indexes came or went, and queries may fail or succeed now.
      this.#touchAll({ kind: "reload" });
      return;
    }
    const writes = commitWrites(entry, (id) => this.runtime.store.tableNameOfId(id));
    this.#commitsDuringRound?.push([ts, writes, requestId]);
    const touched = this.#index.touched(writes);
    if (touched.size === 0) return;
    for (const subscription of touched) this.#touch(subscription, { kind: "commit", requestId });
    this.#scheduleRound();
  }

  /** Marks a subscription due; the cause that first made it due is kept (see the file's comment). */
  #touch(subscription: Subscription, cause: ExecutionCause): void {
    if (!this.#touched.has(subscription)) this.#touched.set(subscription, cause);
  }

  #touchAll(cause: ExecutionCause): void {
    for (const subscription of this.#owners.keys()) this.#touch(subscription, cause);
    if (this.#owners.size > 0) this.#scheduleRound();
  }

  #scheduleRound(): void {
    if (this.#round !== null) {
      this.#roundAgain = true;
      return;
    }
    this.#round = (async () => {
      do {
        this.#roundAgain = false;
        // Lets the messages and commits of this turn join the round.
        await new Promise((resolve) => setImmediate(resolve));
        await this.#runRound();
      } while (this.#roundAgain || this.#touched.size > 0 || this.#owesTransition());
    })()
      .catch((error: unknown) => this.runtime.notice(`Updating live queries failed: ${describe(error)}`))
      .finally(() => {
        this.#round = null;
      });
  }

  #owesTransition(): boolean {
    for (const session of this.#sessions) if (session.owesTransition && !session.closed) return true;
    return false;
  }

  async #runRound(): Promise<void> {
    const ts = this.#latestTs;
    this.#commitsDuringRound = [];
    const runs: Runs = new Map();
    for (const [subscription, cause] of this.#touched) {
      const session = this.#owners.get(subscription);
      if (session) runs.set(subscription, { session, cause });
    }
    this.#reruns += runs.size;
    this.#touched.clear();
    for (const session of this.#sessions) this.#applyPending(session, runs);
    await Promise.all(
      [...runs].map(async ([subscription, { session, cause }]) => {
        const outcome = await runSubscribedQuery(this.runtime, this.#recorder, subscription, session.token, cause);
        this.#ran(subscription, session, outcome);
      }),
    );
    this.#commitsDuringRound = null;
    for (const session of this.#sessions) session.flush(ts);
  }

  /** Applies a session's query-set and identity changes; what must run goes into `runs`. */
  #applyPending(session: SyncSession, runs: Runs): void {
    const changes = session.pending.splice(0);
    if (changes.some((change) => change.kind === "querySet")) this.#listChanged.changed();
    for (const change of changes) {
      if (change.kind === "identity") {
        session.token = change.token;
        session.identityVersion = change.newVersion;
        for (const subscription of session.subscriptions.values()) {
          if (!runs.has(subscription)) runs.set(subscription, { session, cause: { kind: "identity" } });
        }
        continue;
      }
      for (const modification of change.modifications) {
        const existing = session.subscriptions.get(modification.queryId);
        if (existing) {
          this.#drop(existing);
          runs.delete(existing);
          session.subscriptions.delete(modification.queryId);
        }
        if (modification.type === "Remove") {
          session.modifications.push({ type: "QueryRemoved", queryId: modification.queryId });
          continue;
        }
        const args = argsObject(modification.args);
        const componentPath = modification.componentPath ?? "";
        const subscription = new Subscription(
          modification.queryId,
          modification.udfPath,
          componentPath,
          args ?? {},
          modification.journal ?? null,
        );
        session.subscriptions.set(modification.queryId, subscription);
        this.#owners.set(subscription, session);
        const refusal = args === null ? BAD_ARGS : componentPath !== "" ? componentRefused(componentPath) : null;
        if (refusal === null) runs.set(subscription, { session, cause: { kind: "subscribed" } });
        else
          session.modifications.push({
            type: "QueryFailed",
            queryId: modification.queryId,
            errorMessage: refusal,
            logLines: [],
            journal: null,
          });
      }
      session.querySetVersion = change.newVersion;
    }
  }

  #ran(subscription: Subscription, session: SyncSession, outcome: QueryRunOutcome): void {
    if (subscription.removed || session.closed) return;
    subscription.runs++;
    this.#listChanged.changed();
    subscription.reads = outcome.reads;
    subscription.journal = outcome.modification.journal;
    this.#index.set(subscription, outcome.reads);
    // Commits after the snapshot it read, made while it ran: the index did not list these reads yet.
    const snapshot = outcome.snapshotTs ?? 0n;
    for (const [ts, writes, requestId] of this.#commitsDuringRound ?? []) {
      if (ts > snapshot && writes.some((write) => outcome.reads.touchedBy(write))) this.#touch(subscription, { kind: "commit", requestId });
    }
    const sent = JSON.stringify(outcome.modification);
    if (sent === subscription.lastSent) return;
    subscription.lastSent = sent;
    subscription.updatedAt = Date.now();
    session.modifications.push(outcome.modification);
  }

  #drop(subscription: Subscription): void {
    subscription.removed = true;
    this.#index.delete(subscription);
    this.#touched.delete(subscription);
    this.#owners.delete(subscription);
  }
}

/** What a round runs: each subscription with its session and why it runs. */
type Runs = Map<Subscription, { session: SyncSession; cause: ExecutionCause }>;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

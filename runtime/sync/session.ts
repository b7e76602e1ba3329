// One client connection of the sync protocol. It reads the client's messages in order: query-set
// changes and identity changes wait for the hub's next round (sync-hub.ts), which runs the queries
// and ends in a Transition; mutations run one after another and actions at once. A mutation's
// response carries a timestamp its effects are visible at, and a Transition at least that late
// follows it: the client resolves the mutation's promise only then, with its queries updated.
import type { Runtime } from "../host/runtime";
import { parseClientMessage } from "./client-message";
import {
  type AddQuery,
  type ClientMessage,
  type FunctionRequest,
  ProtocolError,
  type RemoveQuery,
  type ServerMessage,
  serializeServerMessage,
  type StateModification,
  type StateVersion,
} from "./protocol";
import type { Subscription } from "./subscription";
import { runClientFunction } from "./client-function";
import type { MutationLedger, MutationResponse } from "./mutation-ledger";

/** The WebSocket as the session uses it. */
export interface SyncTransport {
  send(text: string): void;
  close(code: number, reason: string): void;
}

/** What a session needs of the hub. */
export interface SessionHost {
  readonly runtime: Runtime;
  /** Mutations already run for each client session (a reconnected client sends them again). */
  readonly mutations: MutationLedger;
  /** The latest commit's timestamp. */
  latestTs(): bigint;
  /** The session has changes for the next round. */
  changed(session: SyncSession): void;
  /** The session ended: its subscriptions go. */
  ended(session: SyncSession): void;
}

/** A change the next round applies, in the order the client sent it. */
export type PendingChange =
  | { kind: "querySet"; newVersion: number; modifications: Array<AddQuery | RemoveQuery> }
  | { kind: "identity"; newVersion: number; token: string | null };

/** How long the socket may stay silent before a Ping (the client gives up after 60 s). */
const PING_INTERVAL_MS = 15_000;
/** Close code of a session ended by a protocol error or a refused token. */
const CLOSE_PROTOCOL_ERROR = 1008;

let nextSessionId = 1;

export class SyncSession {
  /** Its number in this process, for the panels. */
  readonly id = nextSessionId++;
  readonly subscriptions = new Map<number, Subscription>();
  /** The identity the session's functions run with. */
  token: string | null = null;
  /** Versions as the hub applied them: where the next Transition ends. */
  querySetVersion = 0;
  identityVersion = 0;
  /** Received changes not applied yet (the hub takes them). */
  pending: PendingChange[] = [];
  /** Query results changed in the round under way. */
  modifications: StateModification[] = [];
  closed = false;
  /** What the client was last sent a Transition to. */
  #sent: StateVersion = { querySet: 0, identity: 0, ts: 0n };
  /** A mutation's response promised a Transition at least this late. */
  #owedTs: bigint | null = null;
  /** The versions the client's next messages must start from. */
  #receivedQuerySet = 0;
  #receivedIdentity = 0;
  /** Messages are handled one at a time, in order (a token check is awaited). */
  #inbound: Promise<void> = Promise.resolve();
  /** Mutations run one after another, as the client sent them. */
  #mutations: Promise<void> = Promise.resolve();
  /** The client's session id (from Connect): it names its mutations across reconnects. */
  #clientSession: string | null = null;
  #lastSentAt = Date.now();
  readonly #ping: NodeJS.Timeout;

  constructor(
    private readonly transport: SyncTransport,
    private readonly host: SessionHost,
    /** Who opened it, as the panels show it: the page's origin, else the user agent. */
    readonly client = "a client",
  ) {
    this.#ping = setInterval(() => {
      if (Date.now() - this.#lastSentAt >= PING_INTERVAL_MS) this.#send({ type: "Ping" });
    }, PING_INTERVAL_MS);
    this.#ping.unref();
  }

  receive(text: string): void {
    this.#inbound = this.#inbound.then(async () => {
      if (this.closed) return;
      try {
        await this.#handle(parseClientMessage(text));
      } catch (error) {
        // A fault of ours ends this session too (the client reconnects), never the server.
        this.#fatal(error instanceof ProtocolError ? error.message : `Convex Lens failed to handle a sync message: ${String(error)}`);
      }
    });
  }

  /** The socket closed (either side). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.#ping);
    this.host.ended(this);
  }

  /** Whether a mutation's response still waits for its Transition. */
  get owesTransition(): boolean {
    return this.#owedTs !== null;
  }

  /**
   * Ends the round: a Transition to `ts` with the changed results and the versions applied, if the
   * client has anything to learn from it.
   */
  flush(ts: bigint): void {
    if (this.closed) return;
    const end: StateVersion = {
      querySet: this.querySetVersion,
      identity: this.identityVersion,
      ts: ts > this.#sent.ts ? ts : this.#sent.ts,
    };
    const owed = this.#owedTs !== null && end.ts >= this.#owedTs;
    const moved = end.querySet !== this.#sent.querySet || end.identity !== this.#sent.identity;
    if (this.modifications.length === 0 && !moved && !owed) return;
    this.#send({ type: "Transition", startVersion: this.#sent, endVersion: end, modifications: this.modifications });
    this.#sent = end;
    this.modifications = [];
    if (owed) this.#owedTs = null;
  }

  /** Ends the session with a FatalError the client reports. */
  #fatal(message: string): void {
    this.#send({ type: "FatalError", error: message });
    this.transport.close(CLOSE_PROTOCOL_ERROR, message.slice(0, 120));
    this.close();
  }

  #send(message: ServerMessage): void {
    if (this.closed) return;
    this.#lastSentAt = Date.now();
    this.transport.send(serializeServerMessage(message));
  }

  async #handle(message: ClientMessage): Promise<void> {
    switch (message.type) {
      case "Connect":
        this.#clientSession = message.sessionId;
        return;
      case "Event":
        return;
      case "ModifyQuerySet":
        if (message.baseVersion !== this.#receivedQuerySet) {
          throw new ProtocolError(
            `Base version ${message.baseVersion} passed up doesn't match the current version ${this.#receivedQuerySet}`,
          );
        }
        this.#receivedQuerySet = message.newVersion;
        this.pending.push({ kind: "querySet", newVersion: message.newVersion, modifications: message.modifications });
        this.host.changed(this);
        return;
      case "Authenticate":
        return this.#authenticate(message);
      case "Mutation": {
        // The token of the moment it was sent: an Authenticate after it does not apply.
        const token = this.token ?? this.#pendingToken();
        this.#mutations = this.#mutations.then(() => this.#mutation(message, token));
        return;
      }
      case "Action":
        void this.#action(message, this.token ?? this.#pendingToken());
        return;
    }
  }

  /** The token of an identity change received but not applied yet (the latest). */
  #pendingToken(): string | null {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const change = this.pending[i]!;
      if (change.kind === "identity") return change.token;
    }
    return null;
  }

  async #authenticate(message: Extract<ClientMessage, { type: "Authenticate" }>): Promise<void> {
    if (message.baseVersion !== this.#receivedIdentity) {
      throw new ProtocolError(
        `Base identity version ${message.baseVersion} passed up doesn't match the current version ${this.#receivedIdentity}`,
      );
    }
    let token: string | null = null;
    if (message.tokenType !== "None") {
      token = message.value ?? "";
      const refusal = message.tokenType === "Admin" ? ADMIN_REFUSED : await this.#verify(token);
      if (refusal !== null) {
        // The client fetches a new token and reconnects, starting its versions afresh.
        this.#send({ type: "AuthError", error: refusal, baseVersion: message.baseVersion, authUpdateAttempted: true });
        this.transport.close(CLOSE_PROTOCOL_ERROR, "AuthError");
        this.close();
        return;
      }
    }
    this.#receivedIdentity = message.baseVersion + 1;
    this.pending.push({ kind: "identity", newVersion: this.#receivedIdentity, token });
    this.host.changed(this);
  }

  /** Checks a token as the function API would; the refusal's text, or null. */
  async #verify(token: string): Promise<string | null> {
    const resolver = this.host.runtime.services.identity;
    if (resolver === null) {
      return "Could not verify the token: this project's convex/auth.config.ts has no provider that Convex Lens can check it against.";
    }
    try {
      await resolver.resolve(token);
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async #mutation(message: FunctionRequest, token: string | null): Promise<void> {
    const work = () => this.#runMutation(message, token);
    const response =
      this.#clientSession === null ? await work() : await this.host.mutations.run(this.#clientSession, message.requestId, work);
    this.#send(response);
    if (!response.success) return;
    // A Transition at least as late as the commit follows: the client resolves the promise there.
    if (this.#owedTs === null || this.#owedTs < response.ts) this.#owedTs = response.ts;
    this.host.changed(this);
  }

  async #runMutation(message: FunctionRequest, token: string | null): Promise<MutationResponse> {
    const outcome = await runClientFunction(this.host.runtime, "mutation", message, token);
    if (!outcome.ok) return { type: "MutationResponse", requestId: message.requestId, success: false, ...outcome.failure };
    // Its commit is at or before the latest; the hub re-runs what it touched in its next round.
    const ts = this.host.latestTs();
    return { type: "MutationResponse", requestId: message.requestId, success: true, result: outcome.value, ts, logLines: outcome.logLines };
  }

  async #action(message: FunctionRequest, token: string | null): Promise<void> {
    const outcome = await runClientFunction(this.host.runtime, "action", message, token);
    if (!outcome.ok) {
      this.#send({ type: "ActionResponse", requestId: message.requestId, success: false, ...outcome.failure });
      return;
    }
    this.#send({ type: "ActionResponse", requestId: message.requestId, success: true, result: outcome.value, logLines: outcome.logLines });
  }
}

const ADMIN_REFUSED =
  'Convex Lens does not take admin keys on the sync WebSocket: sign in as a user (a token of a provider in convex/auth.config.ts, or an "Act as a user" token).';

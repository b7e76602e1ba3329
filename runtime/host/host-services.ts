// The host's side of every call a worker makes: each op of the table (shared/host-ops.ts) goes to
// its handler, looked up by name: transactions and documents to DatabaseOps, identities here, the
// feature ops to the handlers startServing hands over. An op nobody answers is refused with a
// sentence that names the missing feature.
import type { ExecutionEnd, ExecutionLog, ExecutionStart } from "../shared/protocol";
import type {
  AsyncCall,
  AsyncOps,
  DATABASE_OPS,
  FEATURE_OPS,
  FeatureOpName,
  IDENTITY_OPS,
  OpArgs,
  OpResult,
  SyncCall,
} from "../shared/host-ops";
import type { DatabaseOps } from "./database-ops";
import type { ExecutionEvents } from "./execution-events";
import type { TransactionTable } from "./transactions";
import type { WorkerServices } from "./user-code-worker";
import type { Dispatched, FeatureHandlers, OpContext, PlainHandlers } from "./op-handlers";
import { unsupportedOpMessage } from "../shared/unsupported-ops";
import { RequestIdentities, type IdentityResolver } from "./request-identities";

/**
 * Follows the database calls of chosen executions: the sync protocol records what a subscribed
 * query reads (runtime/sync/read-recorder.ts). Only calls of executions it `follows` reach it.
 */
export interface DatabaseCallWatcher {
  follows(execId: string): boolean;
  /** Before the call is answered; may adjust its arguments (a paginated query's journal). */
  before(execId: string, call: AsyncCall): void;
  after(execId: string, call: AsyncCall, result: unknown): void;
}

export class HostServices implements WorkerServices {
  identity: IdentityResolver | null = null;
  databaseWatcher: DatabaseCallWatcher | null = null;
  /** Tokens of the requests in flight, checked before their functions started. */
  readonly requestIdentities = new RequestIdentities(() => this.identity);
  readonly #plain: PlainHandlers<typeof DATABASE_OPS & typeof IDENTITY_OPS>;
  /** The feature ops answered now; see `answer` and `withdraw`. */
  readonly #features: Partial<FeatureHandlers<typeof FEATURE_OPS>> = {};

  constructor(
    private readonly db: DatabaseOps,
    private readonly transactions: TransactionTable,
    private readonly events: ExecutionEvents,
  ) {
    this.#plain = { ...db.handlers, "auth/getUserIdentity": (args) => this.#identity(args.token) };
  }

  /**
   * Answers the feature ops from now on. startServing hands every feature's handlers over in one
   * call, typed with the whole group, so a feature op without a handler does not compile.
   */
  answer(handlers: FeatureHandlers<typeof FEATURE_OPS>): void {
    Object.assign(this.#features, handlers);
  }

  /** Stops answering the ops of `handlers` (a feature that closed): they are unsupported again. */
  withdraw(handlers: Partial<FeatureHandlers<typeof FEATURE_OPS>>): void {
    for (const name of Object.keys(handlers) as Array<keyof typeof handlers>) {
      if (this.#features[name] === handlers[name]) delete this.#features[name];
    }
  }

  async call(worker: number, call: AsyncCall & { execId?: string }): Promise<unknown> {
    if (call.caller === undefined) {
      const handler: Dispatched<number> | undefined = this.#plain[call.op];
      if (handler === undefined) throw new Error(unsupportedOpMessage(call.op));
      const watcher = this.databaseWatcher;
      const execId = call.execId;
      if (watcher === null || execId === undefined || !watcher.follows(execId)) return handler(call.args as never, worker, execId);
      watcher.before(execId, call);
      const result = await handler(call.args as never, worker, execId);
      watcher.after(execId, call, result);
      return result;
    }
    const handler: Dispatched<OpContext> | undefined = this.#features[call.op];
    if (handler === undefined) throw new Error(unsupportedOpMessage(call.op));
    const { udfType, txId, requestId, component } = call.caller;
    return handler(call.args as never, { worker, udfType, txId, requestId, component });
  }

  /** A feature op asked by the host itself (the panels), as the function `context` names would ask it. */
  callFeature<Op extends FeatureOpName>(op: Op, args: OpArgs<AsyncOps[Op]>, context: OpContext): Promise<OpResult<AsyncOps[Op]>> {
    const handler = this.#features[op];
    if (handler === undefined) return Promise.reject(new Error(unsupportedOpMessage(op)));
    return handler(args, context);
  }

  callSync(worker: number, call: SyncCall): unknown {
    const handler: Dispatched<number> | undefined = this.db.syncHandlers[call.op];
    if (handler === undefined) throw new Error(`Unknown operation ${call.op}`);
    return handler(call.args as never, worker);
  }

  /** No token: no identity. A token is checked against auth.config.ts by the identity resolver. */
  async #identity(token: string | null): Promise<Record<string, unknown> | null> {
    if (!token) return null;
    const checked = this.requestIdentities.outcomeOf(token);
    if (checked !== null) return checked;
    if (this.identity) return this.identity.resolve(token);
    throw new Error(
      "Could not verify the token in the Authorization header: this project's convex/auth.config.ts has no provider that Convex Lens can check it against.",
    );
  }

  onExecutionStart(event: ExecutionStart): void {
    this.events.start(event);
  }

  onExecutionLog(event: ExecutionLog): void {
    this.events.log(event);
  }

  onExecutionEnd(event: ExecutionEnd): void {
    this.events.end(event);
  }

  onWorkerGone(worker: number): void {
    this.transactions.abandon(worker);
  }
}

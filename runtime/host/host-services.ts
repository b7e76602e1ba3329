// The host's side of every call a worker makes: transactions and documents through DatabaseOps,
// identities, and a clear refusal for ops this runtime does not implement.
import type { ExecutionEnd, ExecutionLog, ExecutionStart, SyscallArgs } from "../shared/protocol";
import type { DatabaseOps } from "./database-ops";
import type { ExecutionEvents } from "./execution-events";
import type { TransactionTable } from "./transactions";
import type { WorkerServices } from "./user-code-worker";
import { unsupportedOpMessage } from "../shared/unsupported-ops";
import { RequestIdentities } from "./request-identities";

/** What an op handler knows of the call: which worker, which kind of function, its transaction. */
export interface OpContext {
  worker: number;
  udfType: "query" | "mutation" | "action" | "httpAction";
  /** The caller's transaction (queries and mutations), to read or write inside it. */
  txId: number | null;
  requestId: string;
  /** The calling function's component install ("" for the app): its tables, files and jobs. */
  component: string;
}

export interface ExtraOps {
  /** Returns undefined when it does not handle `op`. */
  handle(op: string, args: SyscallArgs, context: OpContext): Promise<unknown> | undefined;
}

/** Turns a bearer token into the identity `ctx.auth.getUserIdentity()` returns, or throws why not. */
export interface IdentityResolver {
  resolve(token: string): Promise<Record<string, unknown>>;
}

export class HostServices implements WorkerServices {
  readonly extraOps: ExtraOps[] = [];
  identity: IdentityResolver | null = null;
  /** Tokens of the requests in flight, checked before their functions started. */
  readonly requestIdentities = new RequestIdentities(() => this.identity);

  constructor(
    private readonly db: DatabaseOps,
    private readonly transactions: TransactionTable,
    private readonly events: ExecutionEvents,
  ) {}

  async call(worker: number, _execId: string, op: string, args: SyscallArgs): Promise<unknown> {
    if (op === "tx/begin") return this.db.begin(worker, args.mode);
    if (op === "auth/getUserIdentity") return this.#identity(args.token);
    if (op === "op") {
      for (const extra of this.extraOps) {
        const context = {
          worker,
          udfType: args.udfType,
          txId: args.txId,
          requestId: args.requestId ?? "",
          component: args.component ?? "",
        };
        const handled = extra.handle(args.op, args.args, context);
        if (handled !== undefined) return handled;
      }
      throw new Error(unsupportedOpMessage(args.op));
    }
    const result = this.db.handle(worker, op, args);
    if (result === undefined) throw new Error(`Unknown async operation ${op}`);
    return result;
  }

  callSync(worker: number, _execId: string, op: string, args: SyscallArgs): unknown {
    return this.db.handleSync(worker, op, args);
  }

  /** No token: no identity. A token is checked against auth.config.ts by the identity resolver. */
  async #identity(token: string | null): Promise<unknown> {
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

// The host's side of every call a worker makes: transactions and documents through DatabaseOps,
// identities, and a clear refusal for ops this runtime does not implement.
import type { ExecutionEnd, ExecutionLog, ExecutionStart } from "../shared/protocol";
import type { DatabaseOps } from "./database-ops";
import type { ExecutionEvents } from "./execution-events";
import type { TransactionTable } from "./transactions";
import type { WorkerServices } from "./user-code-worker";

export interface ExtraOps {
  /** Returns undefined when it does not handle `op`. */
  handle(worker: number, op: string, args: any, context: { udfType: string; txId: number | null }): Promise<unknown> | undefined;
}

export class HostServices implements WorkerServices {
  readonly extraOps: ExtraOps[] = [];

  constructor(
    private readonly db: DatabaseOps,
    private readonly transactions: TransactionTable,
    private readonly events: ExecutionEvents,
  ) {}

  async call(worker: number, _execId: string, op: string, args: any): Promise<unknown> {
    if (op === "tx/begin") return this.db.begin(worker, args.mode);
    if (op === "auth/getUserIdentity") return this.#identity(args.token);
    if (op === "op") {
      for (const extra of this.extraOps) {
        const handled = extra.handle(worker, args.op, args.args, { udfType: args.udfType, txId: args.txId });
        if (handled !== undefined) return handled;
      }
      throw new Error(`Unknown async operation ${args.op}`);
    }
    const result = this.db.handle(worker, op, args);
    if (result === undefined) throw new Error(`Unknown async operation ${op}`);
    return result;
  }

  callSync(worker: number, _execId: string, op: string, args: any): unknown {
    return this.db.handleSync(worker, op, args);
  }

  /** No token: no identity. Token verification against auth.config.ts arrives with the auth module. */
  async #identity(token: string | null): Promise<unknown> {
    if (!token) return null;
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

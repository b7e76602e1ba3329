// A request's bearer token is checked when the request arrives, before its function starts, as the
// backend does: it turns the Authorization header into the request's identity up front and lets
// getUserIdentity() report a refusal. Checking only when the function asks would hold its
// transaction during the check, and a provider may be this very deployment (@convex-dev/better-auth
// serves its key set from an HTTP action that queries the database): fetching the keys would then
// wait for the write lock of the mutation that is waiting for them.

/** Turns a bearer token into the identity `ctx.auth.getUserIdentity()` returns, or throws why not. */
export interface IdentityResolver {
  resolve(token: string): Promise<Identity>;
}

export type Identity = Record<string, unknown>;

interface Check {
  outcome: Promise<Identity>;
  /** Requests in flight with this token; the outcome is kept until the last one ends. */
  requests: number;
}

export class RequestIdentities {
  readonly #checks = new Map<string, Check>();

  constructor(private readonly resolver: () => IdentityResolver | null) {}

  /** Runs `work` once `token` is checked; the request's getUserIdentity() calls see that outcome. */
  async around<T>(token: string | null, work: () => Promise<T>): Promise<T> {
    const resolver = this.resolver();
    if (!token || !resolver) return work();
    let check = this.#checks.get(token);
    if (!check) {
      check = { outcome: resolver.resolve(token), requests: 0 };
      this.#checks.set(token, check);
    }
    check.requests++;
    try {
      // A refused token still runs the request; the function sees the refusal if it asks.
      await check.outcome.catch(() => undefined);
      return await work();
    } finally {
      if (--check.requests === 0 && this.#checks.get(token) === check) this.#checks.delete(token);
    }
  }

  /** The outcome of the check made when a request in flight arrived with `token`, if any. */
  outcomeOf(token: string): Promise<Identity> | null {
    return this.#checks.get(token)?.outcome ?? null;
  }
}

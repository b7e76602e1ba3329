// Identities of tokens already verified, reused until the token expires so that every
// getUserIdentity() of a request (and of the functions it calls) does not verify again. Bounded:
// the least recently used token goes first.
import type { Identity } from "./identity";
import type { VerifiedToken } from "./verified-token";

export class IdentityCache {
  readonly #entries = new Map<string, VerifiedToken>();

  constructor(
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): Identity | null {
    const entry = this.#entries.get(token);
    if (!entry) return null;
    this.#entries.delete(token);
    if (this.now() / 1000 >= entry.expiresAt) return null;
    this.#entries.set(token, entry); // most recently used goes last
    return entry.identity;
  }

  set(token: string, verified: VerifiedToken): void {
    this.#entries.delete(token);
    this.#entries.set(token, verified);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}

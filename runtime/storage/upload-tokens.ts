// Tokens of `generateUploadUrl()`. The backend's token is an encrypted timestamp that any upload
// may present for one hour (STORE_FILE_AUTHORIZATION_VALIDITY in
// crates/local_backend/src/storage.rs); it is not single-use. Ours is a random string we remember
// for the same hour, so a restart forgets every outstanding URL (local data, local restarts).
import { randomBytes } from "node:crypto";

export const UPLOAD_TOKEN_VALIDITY_MS = 60 * 60 * 1000;

export type TokenCheck = "valid" | "invalid" | "expired";

export class UploadTokens {
  readonly #expiries = new Map<string, number>();
  /** The component install whose `_storage` an upload goes to ("" for the app). */
  readonly #components = new Map<string, string>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly validityMs = UPLOAD_TOKEN_VALIDITY_MS,
  ) {}

  issue(component = ""): string {
    const token = randomBytes(24).toString("base64url");
    this.#expiries.set(token, this.now() + this.validityMs);
    this.#components.set(token, component);
    return token;
  }

  /** The install a valid token uploads into. */
  componentOf(token: string): string {
    return this.#components.get(token) ?? "";
  }

  check(token: string | undefined | null): TokenCheck {
    const expiry = token ? this.#expiries.get(token) : undefined;
    if (expiry === undefined) return "invalid";
    return this.now() < expiry ? "valid" : "expired";
  }

  /**
   * Forgets tokens expired for a while. Kept a day past expiry so that a late upload still hears
   * "expired" rather than "invalid", like the backend (which can always decode its own tokens).
   */
  prune(): void {
    const cutoff = this.now() - 24 * 60 * 60 * 1000;
    for (const [token, expiry] of this.#expiries) {
      if (expiry >= cutoff) continue;
      this.#expiries.delete(token);
      this.#components.delete(token);
    }
  }

  get size(): number {
    return this.#expiries.size;
  }
}

// What a successful check yields: the identity, and until when it may be reused.
import type { Identity } from "./identity";

export interface VerifiedToken {
  identity: Identity;
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
}

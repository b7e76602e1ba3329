// "Act as a user" on the extension side: turns the identity the user edits into a dev token from
// the local runtime's dev issuer and puts it in the request's Authorization header. Refuses any
// target but the local runtime (its tokens are never valid elsewhere). Pure, no vscode.
import type { DevIdentity } from "../../runtime";
import { decodeJwt } from "jose";
import type { ActAsIdentity, DevTokenView } from "../../webview/protocol/core";
import type { EditableRequest } from "../../webview/protocol/response";
import type { Target } from "../targets/targets";
import { RequestError } from "./request-builder";

/** What signs dev tokens: the serving runtime's DevIssuer. */
export interface DevTokenSigner {
  sign(identity: DevIdentity): Promise<string>;
}

/** Where the request goes, as far as act-as cares. */
export interface ActAsTarget {
  /** The embedded Convex Lens runtime (the only one that trusts the dev issuer). */
  local: boolean;
  /** "Local backend — http://127.0.0.1:3211", say. */
  label: string;
}

export const EMPTY_ACT_AS: ActAsIdentity = { enabled: false, subject: "", name: "", email: "", claims: "" };

/** The identity to sign, from what the user typed; says which field is wrong. */
export function toDevIdentity(actAs: ActAsIdentity): DevIdentity {
  const subject = actAs.subject.trim();
  if (subject === "") throw new RequestError("Act as a user: fill in the subject (the user id your functions read from identity.subject).");
  let claims: Record<string, unknown> = {};
  const text = actAs.claims.trim();
  if (text !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new RequestError(`Act as a user: the custom claims are not valid JSON (${(error as Error).message}).`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new RequestError('Act as a user: the custom claims must be a JSON object, like {"role": "admin"}.');
    }
    claims = parsed as Record<string, unknown>;
  }
  return { subject, name: actAs.name.trim(), email: actAs.email.trim(), claims };
}

/** Signs a dev token for `actAs`, or explains why it cannot be used for this target. */
export async function signActAs(actAs: ActAsIdentity, signer: DevTokenSigner | null, target: ActAsTarget): Promise<string> {
  if (!target.local) {
    throw new RequestError(
      `Act as a user works only with the local Convex Lens runtime: tokens of its dev issuer are never valid on ${target.label}. Switch the target back to the local runtime, or choose "Anonymous" and send a real token in an Authorization header.`,
    );
  }
  if (!signer) {
    throw new RequestError(
      "Act as a user needs the runtime's local dev issuer: start the runtime, and check that the setting convexLens.devIssuer is on (then restart the runtime).",
    );
  }
  const identity = toDevIdentity(actAs);
  try {
    return await signer.sign(identity);
  } catch (error) {
    throw new RequestError(error instanceof Error ? error.message : String(error));
  }
}

/** The reply to a panel's `signDevToken`: the token and when it expires. */
export async function devTokenFor(actAs: ActAsIdentity, signer: DevTokenSigner | null, target: ActAsTarget): Promise<DevTokenView> {
  const token = await signActAs(actAs, signer, target);
  return { token, expiresAt: decodeJwt(token).exp ?? 0 };
}

/** An Authorization header the user left as a placeholder ("", "Bearer ") does not count. */
function isPlaceholder(value: string): boolean {
  return /^(bearer)?\s*$/i.test(value.trim());
}

/**
 * The request as it is sent: with `Authorization: Bearer <dev token>` when act-as is on. A real
 * Authorization header of the user's own is never silently replaced.
 */
export async function withActAs(request: EditableRequest, signer: DevTokenSigner | null, target: ActAsTarget): Promise<EditableRequest> {
  const actAs = request.actAs;
  if (!actAs?.enabled) return request;
  const own = request.headers.find((header) => header.name.trim().toLowerCase() === "authorization" && !isPlaceholder(header.value));
  if (own) {
    throw new RequestError(
      'The request has its own Authorization header and "Act as a user" is on: remove the header, or choose "Anonymous".',
    );
  }
  const token = await signActAs(actAs, signer, target);
  const headers = request.headers.filter((header) => header.name.trim().toLowerCase() !== "authorization");
  return { ...request, headers: [...headers, { name: "Authorization", value: `Bearer ${token}` }] };
}

/** The act-as view of a request target (extension/targets): only the embedded runtime is local. */
export function actAsTargetOf(target: Pick<Target, "kind" | "label">): ActAsTarget {
  return { local: target.kind === "runtime", label: target.label };
}

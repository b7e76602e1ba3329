// Syscalls the `convex` package can send that Convex Lens does not implement. The backend answers
// an op it does not know with "Unknown async operation …", which tells a user nothing about what
// to change; a missing feature is named instead, in one sentence, whatever the op.
const FEATURES: Record<string, string> = {
  "1.0/signJwt": "Signing tokens (`ctx.auth.signJwt`)",
  "1.0/auditLog": "Audit logging (`audit` from `convex/server`)",
  "1.0/createServiceToken": "Convex-managed service credentials (`getServiceToken`)",
  "1.0/getServiceUrl": "Convex-managed service URLs (`getServiceUrl`)",
};

/** The error text for an op this runtime does not implement. */
export function unsupportedOpMessage(op: string): string {
  // Own keys only: an op named like a member of every object ("toString") names no feature.
  const feature = Object.hasOwn(FEATURES, op) ? FEATURES[op] : undefined;
  if (feature !== undefined) return `${feature} is not supported by Convex Lens yet.`;
  return `The Convex feature behind the syscall ${op} is not supported by Convex Lens yet (is the project's \`convex\` package newer than Convex Lens knows?).`;
}

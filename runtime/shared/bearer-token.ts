// The token of an `Authorization: Bearer <token>` value, as both origins read it: the function API
// and the site's HTTP actions. Any other scheme, or none, is no token.
export function bearerTokenOf(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match ? match[1]!.trim() : null;
}

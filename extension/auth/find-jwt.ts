// Finds a JWT in text the user selected: a bare token, `Bearer <token>`, a whole
// `Authorization: Bearer …` line or a JSON string holding one. Pure.

/** A JWS in compact form: base64url header (JSON, so it starts with "eyJ"), payload, signature. */
const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/;

export function findJwt(text: string): string | null {
  return JWT.exec(text)?.[0] ?? null;
}

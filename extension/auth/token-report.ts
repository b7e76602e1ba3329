// "Decode token" as Markdown: the verdict (the error a function would get, or the identity), each
// check with its outcome, how the token compares with every provider, then header and claims.
import type { TokenExplanation, TokenFinding } from "../../runtime";
import { block, cell, code, table, text } from "../markdown";

const OUTCOMES: Record<TokenFinding["outcome"], string> = { pass: "✅ pass", fail: "❌ fail", warn: "⚠️ warning", skip: "— not checked" };
const CHECK_NAMES: Record<TokenFinding["check"], string> = {
  format: "JWT format",
  config: "auth.config.ts",
  provider: "provider (by iss and aud)",
  iss: "iss (issuer)",
  aud: "aud (audience)",
  alg: "alg (algorithm)",
  keys: "key set (JWKS)",
  kid: "kid (key id)",
  signature: "signature",
  exp: "exp (expiry)",
  nbf: "nbf (not before)",
  claims: "required claims",
};

export function tokenReportMarkdown(explanation: TokenExplanation): string {
  const out: string[] = ["# Decode token"];
  const { verdict } = explanation;
  if (verdict.ok) {
    out.push(`## ✅ Accepted\n\n\`ctx.auth.getUserIdentity()\` returns:\n\n${block(JSON.stringify(verdict.identity, null, 2), "json")}`);
  } else {
    const check = verdict.check === "other" ? "" : ` (${CHECK_NAMES[verdict.check]})`;
    out.push(`## ❌ Refused${text(check)}\n\n\`ctx.auth.getUserIdentity()\` throws:\n\n${block(verdict.message)}`);
  }
  if (explanation.fromDevIssuer) {
    out.push(
      "> Signed by Convex Lens's local dev issuer (Act as a user): accepted only by the local Convex Lens runtime, never valid on a deployment.",
    );
  }
  out.push(
    `## Checks\n\n${table(
      ["Check", "Outcome", "Why"],
      explanation.findings.map((f) => [CHECK_NAMES[f.check], OUTCOMES[f.outcome], cell(text(f.message))]),
    )}`,
  );
  if (explanation.providers.length > 0) {
    const yesNo = (value: boolean | null) => (value === null ? "not checked" : value ? "✅" : "❌");
    out.push(
      `## Providers\n\n${table(
        ["Provider", "Issuer / domain", "applicationID", "iss matches", "aud matches"],
        explanation.providers.map((p) => [
          cell(text(p.dev ? "Convex Lens dev issuer" : `#${p.index} ${p.kind}`)) +
            (explanation.checked?.index === p.index ? " (checked)" : ""),
          cell(code(p.issuer)),
          p.applicationId === null ? "_(none)_" : cell(code(p.applicationId)),
          yesNo(p.issuerMatches),
          yesNo(p.audienceMatches),
        ]),
      )}`,
    );
  }
  if (explanation.times.length > 0) {
    out.push(
      `## Times\n\n${table(
        ["Claim", "When", ""],
        explanation.times.map((t) => [t.claim, cell(code(t.iso)), t.relative]),
      )}`,
    );
  }
  if (explanation.header) out.push(`## Header\n\n${block(JSON.stringify(explanation.header, null, 2), "json")}`);
  if (explanation.claims) out.push(`## Claims\n\n${block(JSON.stringify(explanation.claims, null, 2), "json")}`);
  out.push(
    "---\nDecoded and checked by Convex Lens the way its runtime checks an `Authorization: Bearer` token. The token was not sent anywhere; only the providers' key sets (and OIDC discovery documents) were fetched.",
  );
  return `${out.join("\n\n")}\n`;
}

// The CORS doctor's report as Markdown: the verdict first, then the preflight and the request, each
// with what was sent and a table of the response's headers and what the browser makes of them.
import { block, cell, code, table, text } from "../markdown";
import type { HeaderCheck } from "./cors-check";
import type { CorsExchange, CorsReport } from "./cors-doctor";

const ICONS: Record<HeaderCheck["outcome"], string> = { ok: "✅ ok", error: "❌ refused", warning: "⚠️ warning", info: "ℹ️ note" };

export function corsReportMarkdown(report: CorsReport, routeLabel: string): string {
  const out: string[] = [];
  out.push(`# CORS doctor: ${text(routeLabel)}`);
  out.push(
    `Page origin ${code(report.origin)} → ${code(`${report.method} ${report.url}`)}${report.credentials ? " with credentials" : ""}`,
  );
  out.push(`## ${report.blocked ? "❌ Blocked" : "✅ Allowed"}\n\n${text(report.summary)}`);
  if (report.withCredentials.length > 0) {
    out.push(
      `With \`credentials: "include"\` (cookies) the browser would also refuse:\n\n${report.withCredentials.map((line) => `- ${text(line)}`).join("\n")}`,
    );
  }
  if (report.requestNotes.length > 0) {
    out.push(`## The request\n\n${report.requestNotes.map((note) => `- ${ICONS[note.outcome]}: ${text(note.message)}`).join("\n")}`);
  }
  out.push("## 1. Preflight");
  if (!report.preflight.needed) {
    out.push("No preflight: a browser sends this request directly (a GET, HEAD or POST with only CORS-safelisted headers).");
  } else {
    out.push(`The browser sends a preflight because ${report.preflight.reasons.map(text).join("; ")}.`);
    if (report.preflight.exchange) out.push(exchangeMarkdown(report.preflight.exchange));
  }
  out.push("## 2. The request");
  if (report.preflight.needed && report.preflight.exchange?.checks.some((check) => check.outcome === "error")) {
    out.push(
      "_A browser stops after a failed preflight and never sends this request; Convex Lens sent it anyway to check its response too._",
    );
  }
  out.push(exchangeMarkdown(report.actual));
  out.push(
    "---\nChecks follow the Fetch standard's CORS protocol (https://fetch.spec.whatwg.org/#http-cors-protocol). Sent by Convex Lens from the extension host, not from a browser.",
  );
  return `${out.join("\n\n")}\n`;
}

function exchangeMarkdown(exchange: CorsExchange): string {
  const parts: string[] = [];
  parts.push(
    `Sent ${code(`${exchange.method} ${exchange.url}`)}:\n\n${block(exchange.sent.map(([name, value]) => `${name}: ${value}`).join("\n"), "http")}`,
  );
  if (exchange.status === null) {
    parts.push(`❌ No response: ${text(exchange.error ?? "the request failed")}`);
    return parts.join("\n\n");
  }
  parts.push(`Answered **${exchange.status}${exchange.statusText ? ` ${text(exchange.statusText)}` : ""}**.`);
  if (exchange.checks.length > 0) {
    parts.push(
      table(
        ["Header", "Value", "Verdict", "Why"],
        exchange.checks.map((check) => [
          cell(check.header),
          check.value === null ? "_(absent)_" : cell(code(check.value)),
          ICONS[check.outcome],
          cell(text(check.message)),
        ]),
      ),
    );
  }
  const shown = exchange.headers.filter(([name]) => !exchange.checks.some((check) => check.header.toLowerCase() === name));
  if (shown.length > 0) {
    parts.push(
      `<details><summary>Other response headers</summary>\n\n${block(shown.map(([name, value]) => `${name}: ${value}`).join("\n"), "http")}\n\n</details>`,
    );
  }
  return parts.join("\n\n");
}

// Pure formatting for the functions panel: no DOM.

/** A duration from the stats: `–` before any finished call, `<1 ms` for the quick ones. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "–";
  if (ms < 1) return "<1 ms";
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  return `${Math.round(ms)} ms`;
}

/** `2026-01-02 03:04:05` in local time, for `_creationTime` and file dates. */
export function formatDateTime(timestamp: number): string {
  if (!Number.isFinite(timestamp)) return "";
  const date = new Date(timestamp);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

export const KIND_LETTERS: Record<string, { letter: string; name: string }> = {
  query: { letter: "Q", name: "query" },
  mutation: { letter: "M", name: "mutation" },
  action: { letter: "A", name: "action" },
  httpAction: { letter: "H", name: "HTTP action" },
};

/** How long ago `timestamp` was, at `now`: "just now", "42 s ago", "3 min ago", "2 h ago", "3 d ago". */
export function formatAgo(timestamp: number, now: number): string {
  const seconds = Math.floor((now - timestamp) / 1000);
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

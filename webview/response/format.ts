// Pure formatting for the response panel: no DOM.

const REASONS: Record<number, string> = {
  100: "Continue",
  101: "Switching Protocols",
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** `200 OK`; the standard reason phrase when the response carried none (HTTP/2, some servers). */
export function statusLine(status: number, statusText: string): string {
  const reason = statusText.trim() || REASONS[status] || "";
  return reason ? `${status} ${reason}` : String(status);
}

/** A class per status class, for colour: `status-2xx` … `status-5xx`, `status-other`. */
export function statusClass(status: number): string {
  const hundreds = Math.floor(status / 100);
  return hundreds >= 1 && hundreds <= 5 ? `status-${hundreds}xx` : "status-other";
}

const UNITS = ["KB", "MB", "GB", "TB"];

/** Human size in binary units: `512 B`, `1.5 KB`, `23 MB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (unit < UNITS.length - 1 && Math.round(value * 10) / 10 >= 1024) {
    value /= 1024;
    unit++;
  }
  const shown = value < 10 ? (Math.round(value * 10) / 10).toFixed(1) : String(Math.round(value));
  return `${shown} ${UNITS[unit]}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "";
  return `${Math.round(ms)} ms`;
}

/** `hh:mm:ss.mmm` in local time, for log lines. */
export function formatTime(timestamp: number): string {
  const date = new Date(timestamp);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}

/**
 * JSON re-indented with two spaces, or null when the text is not JSON. Works on the tokens, not on
 * parsed values, so numbers keep their exact text (64-bit ids, `1.0`) and keys keep their order
 * and duplicates.
 */
export function formatJson(text: string): string | null {
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  const out: string[] = [];
  const newline = (depth: number) => out.push("\n", "  ".repeat(depth));
  const isSpace = (ch: string | undefined) => ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (isSpace(ch)) {
      i++;
    } else if (ch === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      out.push(text.slice(i, end + 1));
      i = end + 1;
    } else if (ch === "{" || ch === "[") {
      let next = i + 1;
      while (isSpace(text[next])) next++;
      if (text[next] === (ch === "{" ? "}" : "]")) {
        out.push(ch === "{" ? "{}" : "[]");
        i = next + 1;
      } else {
        out.push(ch);
        newline(++depth);
        i++;
      }
    } else if (ch === "}" || ch === "]") {
      newline(--depth);
      out.push(ch);
      i++;
    } else if (ch === ",") {
      out.push(",");
      newline(depth);
      i++;
    } else if (ch === ":") {
      out.push(": ");
      i++;
    } else {
      let end = i + 1;
      while (end < text.length && !isSpace(text[end]) && !",:]}".includes(text[end]!)) end++;
      out.push(text.slice(i, end));
      i = end;
    }
  }
  return out.join("");
}

/** `data:` URL for an image preview, or null when the type or the data could smuggle anything else. */
export function imageDataUrl(contentType: string, base64: string): string | null {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (!/^image\/[a-z0-9.+-]+$/.test(type)) return null;
  if (base64 === "" || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return null;
  return `data:${type};base64,${base64}`;
}

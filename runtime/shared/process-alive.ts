// Whether a process still runs, for the marks processes leave in folders (the data folder's lock,
// a build folder's builder). A process we may not signal (EPERM) exists all the same.
//
// A pid alone does not name a process for long: after a crash the system may give it to another
// one, and a lock would then block forever. So marks also record when their process started; a
// live pid with another start time is another process. Where the start time cannot be read
// (Windows), or a mark does not have one (written by an older version), the pid alone decides.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export function isProcessAlive(pid: number, startTime: string | null = null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (startTime === null) return true;
  const now = processStartTime(pid);
  return now === null || now === startTime;
}

/**
 * When process `pid` started, as an opaque text that is only compared for equality, or null where
 * it cannot be told. Linux: field 22 of /proc/<pid>/stat (clock ticks since boot). macOS and the
 * BSDs: `ps -o lstart=`, in the C locale and UTC so that every caller gets the same text.
 */
export function processStartTime(pid: number): string | null {
  try {
    if (process.platform === "linux") {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return fields[19] ?? null; // fields[0] is field 3
    }
    if (process.platform === "win32") return null;
    const text = execFileSync("ps", ["-o", "lstart=", "-p", String(pid)], {
      encoding: "utf8",
      env: { ...process.env, LC_ALL: "C", TZ: "UTC" },
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    }).trim();
    return text === "" ? null : text;
  } catch {
    return null;
  }
}

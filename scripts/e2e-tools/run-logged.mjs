// Runs one long install command with its output in a log file. Every 15 s it prints how long the
// step has run and, where the log tells, what it is doing now: a native build takes minutes and
// should not look like a hang. On failure the error quotes the end of the log.
import { spawn } from "node:child_process";
import { appendFileSync, closeSync, openSync, readSync, statSync } from "node:fs";

const HEARTBEAT_MS = 15_000;

/** The last `bytes` of `file` written after offset `from`. */
function tailOf(file, from = 0, bytes = 64 * 1024) {
  const size = statSync(file).size;
  const length = Math.max(0, Math.min(size - from, bytes));
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.toString("utf8");
}

/** What npm is running now, from its `> name@version install` lines (with --foreground-scripts). */
export function npmScriptInProgress(logTail) {
  const scripts = [...logTail.matchAll(/^> (\S+)@\S+ (preinstall|install|postinstall)$/gm)];
  const last = scripts.at(-1);
  return last ? `${last[1]} ${last[2]}` : null;
}

/**
 * Runs `command args` with stdout and stderr appended to `logFile`; resolves when it exits 0.
 * `log` prints a line; `activity(logTail)` may name what the command is doing now.
 */
export async function runLogged(label, command, args, { cwd, env, logFile, log, activity }) {
  const started = Date.now();
  log(`e2e:   ${label} …`);
  appendFileSync(logFile, `\n$ ${command} ${args.join(" ")}\n  (in ${cwd})\n`);
  const stepStart = statSync(logFile).size;
  const fd = openSync(logFile, "a");
  let child;
  try {
    child = spawn(command, args, { cwd, env, stdio: ["ignore", fd, fd] });
  } finally {
    closeSync(fd);
  }
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const heartbeat = setInterval(() => {
    const now = activity ? activity(tailOf(logFile, stepStart)) : null;
    log(`e2e:     … ${seconds()} s${now ? ` (${now})` : ""}`);
  }, HEARTBEAT_MS);
  const status = await new Promise((resolve) => {
    child.once("error", (error) => resolve(error.message));
    child.once("exit", (code, signal) => resolve(code === 0 ? 0 : `exit ${code ?? signal}`));
  }).finally(() => clearInterval(heartbeat));
  if (status !== 0) {
    const tail = tailOf(logFile, stepStart).trim().split("\n").slice(-40).join("\n");
    throw new Error(`${label} failed (${status}): ${command} ${args.join(" ")}\nlast lines of ${logFile}:\n${tail}`);
  }
  log(`e2e:   ${label}: done in ${seconds()} s`);
}

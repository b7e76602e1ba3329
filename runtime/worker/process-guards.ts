// User code shares its process with the runtime (and, in VS Code, with the extension host). In a
// worker thread Node already limits `process.exit` to the thread; a signal that user code sends to
// its own process (its pid, its process group, every process) would end all of it, and so would
// an abort. Those end only this worker too, as `process.exit` does: the host then fails the
// requests it was running with "The function runner exited (…)" and starts a fresh worker.
import { readFileSync } from "node:fs";
import { constants } from "node:os";

/** Says why the worker is about to end (the host names it in the callers' errors), then ends it. */
export type EndWorker = (call: string, exitCode: number) => never;

export function guardProcessEnd(endWorker: EndWorker): void {
  const kill = process.kill.bind(process);
  process.kill = function guardedKill(pid: number, signal?: string | number): true {
    const number = signalNumber(signal);
    // Signal 0 only asks whether the process exists; an unknown signal gets Node's own error.
    if (number !== 0 && number !== null && hitsThisProcess(Number(pid))) {
      endWorker(`process.kill(${describePid(Number(pid))}${describeSignal(signal)})`, 128 + number);
    }
    return kill(pid, signal);
  };
  // What process.kill calls underneath, reachable from user code too.
  const internal = process as unknown as { _kill?: (pid: number, signal: number) => number };
  const rawKill = internal._kill;
  if (typeof rawKill === "function") {
    internal._kill = (pid: number, signal: number) => {
      if (signal !== 0 && hitsThisProcess(Number(pid))) endWorker(`process._kill(${describePid(Number(pid))}, ${signal})`, 128 + signal);
      return rawKill.call(process, pid, signal);
    };
  }
  // Node refuses process.abort() in a worker with an error; it is ended as an abort would end a process.
  process.abort = () => endWorker("process.abort()", 128 + constants.signals.SIGABRT);
}

/** Our pid, our process group (0, or minus its id), or every process we may signal (-1). */
function hitsThisProcess(pid: number): boolean {
  if (pid === process.pid || pid === 0 || pid === -1) return true;
  if (pid >= 0 || !Number.isInteger(pid)) return false;
  const group = ownProcessGroup();
  // Where the group cannot be read, any group may be ours.
  return group === null || -pid === group;
}

let processGroup: number | null | undefined;

/** The process group id, from /proc on Linux; null where it cannot be read. */
function ownProcessGroup(): number | null {
  if (processGroup !== undefined) return processGroup;
  try {
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, the fields after it do not.
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const group = Number(fields[2]);
    processGroup = Number.isInteger(group) && group > 0 ? group : null;
  } catch {
    processGroup = null;
  }
  return processGroup;
}

/** The signal's number, as Node's process.kill reads it (default SIGTERM); null when unknown. */
function signalNumber(signal: string | number | undefined): number | null {
  if (signal === undefined) return constants.signals.SIGTERM;
  if (typeof signal === "number") return Number.isInteger(signal) && signal >= 0 ? signal : null;
  return (constants.signals as Record<string, number>)[signal] ?? null;
}

function describePid(pid: number): string {
  if (pid === process.pid) return "process.pid";
  if (pid === -process.pid) return "-process.pid";
  return String(pid);
}

/** The signal argument as the call wrote it: `, 'SIGKILL'`, `, 9`, or nothing. */
function describeSignal(signal: string | number | undefined): string {
  if (signal === undefined) return "";
  return typeof signal === "number" ? `, ${signal}` : `, '${signal}'`;
}

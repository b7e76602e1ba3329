// What the numbers were measured on: machine, versions, date.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { REPO } from "./processes";

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(" / ");
}

export function describeMachine(startedAt: Date, loadAtStart: string): string[] {
  const cpus = os.cpus();
  const own = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
  const commit = git(["rev-parse", "--short", "HEAD"]);
  const dirty = git(["status", "--porcelain"]) !== "";
  const packages = ["convex", "hono", "@hono/node-server", "sql.js", "esbuild", "convex-test", "autocannon"];
  return [
    `- date: ${startedAt.toISOString()}`,
    `- machine: ${cpus.length} cores (${cpus[0]?.model ?? "unknown CPU"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.type()} ${os.release()} ${os.arch()}`,
    `- node ${process.version}; convex-lens ${own.version} at ${commit || "?"}${dirty ? " (with uncommitted changes)" : ""}`,
    `- packages: ${packages.map((p) => `${p} ${packageVersion(p)}`).join(", ")}`,
    `- load average (1 / 5 / 15 min) at start: ${loadAtStart}; at end: ${loadAverage()}`,
  ];
}

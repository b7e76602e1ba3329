// The reliability report itself: every figure in it is one the printing test measured (a section
// cannot pass a literal number, and a figure it never counted is shown as not measured rather
// than as 0), and running the tests writes it under an ignored folder, never to a tracked file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "@babel/parser";
import { REPO } from "../helpers/cli-process";
import * as figures from "./figures";

const git = (...args: string[]) => spawnSync("git", args, { cwd: REPO, encoding: "utf8" });

test("npm test writes the report under an ignored folder, never to a tracked file", () => {
  const report = figures.REPORT_FILE;
  assert.equal(typeof report, "string", "figures.ts names the file it writes");
  const path = relative(REPO, report);
  assert.ok(!path.startsWith(".."), `${report} is inside the repository`);
  assert.equal(git("check-ignore", "-q", path).status, 0, `${path} is ignored by git`);
  assert.notEqual(git("ls-files", "--error-unmatch", path).status, 0, `${path} is not tracked`);
});

/** Numeric literals anywhere in the arguments of `recordFigures(...)` calls of one file. */
function literalFigures(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const ast = parse(source, { sourceType: "module", plugins: ["typescript"] });
  const found: string[] = [];
  const visit = (node: unknown, inCall: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, inCall);
      return;
    }
    if (!node || typeof node !== "object") return;
    const n = node as { type?: string; callee?: { type?: string; name?: string }; loc?: { start: { line: number } } };
    if (inCall && n.type === "NumericLiteral") found.push(`${relative(REPO, file)}:${n.loc?.start.line}`);
    const call = n.type === "CallExpression" && n.callee?.type === "Identifier" && n.callee.name === "recordFigures";
    for (const [key, value] of Object.entries(node)) {
      if (key === "loc" || key === "start" || key === "end") continue;
      visit(value, inCall || (call && key === "arguments"));
    }
  };
  visit(ast.program, false);
  return found;
}

test("no section of the report passes a literal figure: each comes from what its test counted", () => {
  const dir = join(REPO, "test", "reliability");
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => join(dir, name));
  const callers = files.filter((file) => readFileSync(file, "utf8").includes("recordFigures("));
  assert.ok(callers.length >= 8, `the sections are found (${callers.length} files call recordFigures)`);
  assert.deepEqual(callers.flatMap(literalFigures), [], "literal numbers given to recordFigures");
});

test("a figure a section did not count is shown as not measured, never as 0", () => {
  const counted = new figures.Tally();
  counted.requestsSent += 3;
  counted.dataLost += 0;
  const quiet = new figures.Tally();
  const text = figures.renderReport({
    counted: figures.sectionOf({ title: "counts requests and lost data", tally: counted }, "2026-01-01T00:00:00Z"),
    quiet: figures.sectionOf({ title: "counts nothing", tally: quiet }, "2026-01-01T00:00:00Z"),
  });
  const row = (key: string) =>
    text
      .split("\n")
      .find((line) => line.startsWith(`| ${key} |`))!
      .split("|")
      .map((cell) => cell.trim());
  // | key | title | runs | faults | requests | inputs | data lost | date |
  assert.deepEqual(row("counted").slice(3, 8), ["–", "–", "3", "–", "0"]);
  assert.deepEqual(row("quiet").slice(3, 8), ["–", "–", "–", "–", "–"]);
  assert.match(text, /–.*not measured/, "the report says what a dash means");
});

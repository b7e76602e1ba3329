// `convex-lens run` arguments: strict, with errors that say how to write them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { parseCli, UsageError } from "../../runtime/cli/args";

test("run takes files, --site, repeated --var and --timeout", () => {
  assert.deepEqual(
    parseCli(["run", "a.http", "b.http", "--site", "https://x.convex.site/", "--var", "token=a=b", "--var", "name=", "--timeout", "500"]),
    {
      command: "run",
      files: [resolve("a.http"), resolve("b.http")],
      site: "https://x.convex.site",
      vars: { token: "a=b", name: "" },
      timeoutMs: 500,
    },
  );
  assert.deepEqual(parseCli(["run", "a.http"]), {
    command: "run",
    files: [resolve("a.http")],
    site: undefined,
    vars: {},
    timeoutMs: 30_000,
  });
});

test("options of one command are refused by the other", () => {
  assert.throws(() => parseCli(["run", "a.http", "--quiet"]), /--quiet is an option of serve, not of run/);
  assert.throws(() => parseCli(["serve", "--site", "http://x"]), /--site is an option of run, not of serve/);
  assert.throws(() => parseCli(["run", "a.http", "--nope"]), UsageError);
  assert.throws(() => parseCli(["test"]), /The commands are "serve", "run", "import" and "export"/);
  assert.throws(() => parseCli(["run", "a.http", "--var", "a=1", "--var", "a=2"]), /--var a is given twice/);
  assert.throws(() => parseCli(["run", "a.http", "--site", "ftp://x"]), /http:\/\/ or https:\/\//);
});

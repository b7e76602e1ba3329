// The curl lines `serve` prints are ready to paste: a POST body carries the fields the handler
// reads from `await request.json()`. The cron jobs are listed with their next run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cronLines, curlLine } from "../../runtime/cli/ready-banner";
import type { CronJobSnapshot } from "../../runtime/scheduler/cron-service";
import type { CronSchedule } from "../../runtime/scheduler/cron-schedule";

test("a POST route's curl line sends the fields its handler reads", () => {
  const line = curlLine("http://127.0.0.1:3311", { method: "POST", path: "/postMessage", kind: "exact" }, ["author", "body"]);
  assert.equal(
    line,
    `curl -i -X POST -H 'content-type: application/json' -d '{"author":"","body":""}' 'http://127.0.0.1:3311/postMessage'`,
  );
});

test("without known fields the body is an empty object; quotes in field names never break the shell line", () => {
  assert.match(curlLine("http://x", { method: "PUT", path: "/a", kind: "exact" }), /-d '\{\}'/);
  assert.match(curlLine("http://x", { method: "POST", path: "/a", kind: "exact" }, ["ok", "it's"]), /-d '\{"ok":""\}'/);
});

test("a GET route's curl line carries the query parameters its handler reads, URL-encoded", () => {
  assert.equal(
    curlLine("http://x", { method: "GET", path: "/getMessagesByAuthor", kind: "exact" }, null, "author=author"),
    "curl -i 'http://x/getMessagesByAuthor?author=author'",
  );
});

test("prefix routes get a sample rest of the path", () => {
  assert.equal(curlLine("http://x", { method: "GET", path: "/messages/*", kind: "prefix" }), "curl -i 'http://x/messages/example'");
});

test("the cron jobs, aligned: name (after its component), schedule in words, next run in UTC", () => {
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);
  const snapshot = (component: string, name: string, cronSchedule: CronSchedule, nextTs: number, running = false): CronJobSnapshot => ({
    job: {
      _id: name,
      component,
      name,
      cronSpec: { udfPath: "jobs.js:run", udfArgs: "[{}]", cronSchedule },
      state: { type: "pending" },
      prevTs: null,
      nextTs,
    },
    running,
    runs: [],
  });
  assert.deepEqual(cronLines([], now), []);
  assert.deepEqual(
    cronLines(
      [
        snapshot("", "nightly", { type: "daily", hourUTC: 3, minuteUTC: 0 }, Date.UTC(2026, 0, 3, 3, 0, 0)),
        snapshot("", "tick", { type: "interval", seconds: 2 }, now),
        snapshot("rateLimiter", "clear", { type: "interval", seconds: 60 }, now + 60_000, true),
      ],
      now,
    ),
    [
      "Cron jobs:",
      "  nightly              Daily at 03:00 UTC  next run 2026-01-03 03:00:00 UTC",
      "  tick                 Every 2 seconds     running now",
      "  rateLimiter / clear  Every minute        running now",
    ],
  );
});

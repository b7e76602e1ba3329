// The job queue's timer, on mocked time: capped waits, earliest-first, no busy loop on overdue jobs.
import { afterEach, beforeEach, test, mock } from "node:test";
import assert from "node:assert/strict";
import { JobQueue, MAX_TIMER_MS } from "../../runtime/scheduler/job-queue";

let wakes: number;
let queue: JobQueue;

beforeEach(() => {
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
  wakes = 0;
  queue = new JobQueue(() => {
    wakes += 1;
  });
});
afterEach(() => {
  queue.close();
  mock.timers.reset();
});

test("a job wakes the queue at its time, not before", () => {
  queue.arm("a", Date.now() + 200);
  mock.timers.tick(199);
  assert.equal(wakes, 0);
  assert.deepEqual(queue.takeDue(Date.now(), 10), []);
  mock.timers.tick(1);
  assert.equal(wakes, 1);
  assert.deepEqual(queue.takeDue(Date.now(), 10), ["a"]);
});

test("a far-future job holds no long timer: the queue wakes every MAX_TIMER_MS and re-arms", () => {
  const dueAt = Date.now() + 365 * 24 * 3600 * 1000;
  queue.arm("far", dueAt);
  mock.timers.tick(MAX_TIMER_MS);
  assert.equal(wakes, 1);
  assert.deepEqual(queue.takeDue(Date.now(), 10), []);
  queue.rearm();
  mock.timers.tick(MAX_TIMER_MS);
  assert.equal(wakes, 2);
  assert.ok(queue.has("far"));
});

test("due jobs come out earliest first, at most `max` of them", () => {
  const now = Date.now();
  queue.arm("late", now - 10);
  queue.arm("early", now - 30);
  queue.arm("middle", now - 20);
  queue.arm("future", now + 1000);
  assert.deepEqual(queue.takeDue(now, 2), ["early", "middle"]);
  assert.deepEqual(queue.takeDue(now, 10), ["late"]);
  assert.equal(queue.size, 1);
});

test("an overdue job that is not taken does not keep waking the queue", () => {
  queue.arm("overdue", Date.now() - 1);
  mock.timers.tick(0);
  assert.equal(wakes, 1);
  queue.rearm(); // no capacity: the job stays, and only a future job would set a timer
  mock.timers.tick(10 * MAX_TIMER_MS);
  assert.equal(wakes, 1);
  assert.ok(queue.has("overdue"));
});

test("close drops the timer", () => {
  queue.arm("a", Date.now() + 10);
  queue.close();
  mock.timers.tick(100);
  assert.equal(wakes, 0);
});

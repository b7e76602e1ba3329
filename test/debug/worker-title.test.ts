// Which threads the debugger bridge relays is decided by the worker's title in the inspector's
// list. Node 20 titles a worker "[worker 3]"; Node 22 and later add its name ("[worker 3]
// WorkerThread"), which VS Code's extension host (Node 24 in code-server 4.139) shows: the
// bridge must read the thread id from both, or it lets every worker go and no breakpoint binds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { threadIdOf } from "../../runtime/debug/inspector-bridge";

test("a worker's thread id is read from Node 20's title and from the named titles of Node 22+", () => {
  assert.equal(threadIdOf({ workerId: "1", title: "[worker 3]" }), 3);
  assert.equal(threadIdOf({ workerId: "1", title: "[worker 12] WorkerThread" }), 12);
  assert.equal(threadIdOf({ workerId: "1", title: "[worker 7] convex functions" }), 7);
});

test("titles that are not a worker's give no thread id", () => {
  assert.equal(threadIdOf({ workerId: "1", title: "[worker x]" }), null);
  assert.equal(threadIdOf({ workerId: "1", title: "[worker 3]x" }), null);
  assert.equal(threadIdOf({ workerId: "1", title: "main" }), null);
});

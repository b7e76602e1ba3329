// 1,000 requests, 50 in flight, against the example app (examples/chat) served by a real
// `convex-lens serve`: every one answered 200, every acknowledged message there afterwards (counted
// per author), and the process's resident memory back near where it started once the load is over.
// Memory is a behaviour bound (a generous margin over the baseline), not a speed figure.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../helpers/cli-process";
import { recordFigures, Tally } from "./figures";
import { callApi, poll, Rng, rssOf, startServe, type ServeChild } from "./support";

const SEED = 1000;
const REQUESTS = 1000;
const IN_FLIGHT = 50;
const AUTHORS = 10;
const RSS_MARGIN = 150 * 1024 * 1024;

const tally = new Tally();
mkdirSync(join(REPO, "test", ".tmp"), { recursive: true });
// Inside the repo, so that the example's `convex/*` imports resolve to our node_modules.
const project = mkdtempSync(join(REPO, "test", ".tmp", "chat-"));
cpSync(join(REPO, "examples", "chat"), project, { recursive: true, filter: (source) => !source.includes(".convex-lens") });
const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-load-"));
let child: ServeChild | null = null;

after(async () => {
  if (child) assert.equal(await child.stop(), 0);
  rmSync(project, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  await recordFigures("load", {
    title: `${REQUESTS} requests, ${IN_FLIGHT} in flight, on examples/chat: no errors, no lost writes, memory back near baseline`,
    tally,
    seed: SEED,
  });
});

const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;

test(`${REQUESTS} requests with ${IN_FLIGHT} in flight: all 200, no lost write, memory back near its baseline`, async () => {
  child = await startServe(project, dataDir);
  const serve = child;
  const author = (i: number) => `load-author-${i % AUTHORS}`;

  // Warm up (first build of each code path, JIT), then take the baseline.
  for (let i = 0; i < 20; i++) {
    assert.equal((await fetch(`${serve.site}/getMessagesByAuthor?author=warmup`)).status, 200);
    tally.requestsSent++;
  }
  const baseline = rssOf(serve.pid);

  const rng = new Rng(SEED);
  const plan = Array.from({ length: REQUESTS }, (_, i) => ({ i, pick: rng.next() }));
  const acked = new Map<string, string>(); // id → body
  const failures: string[] = [];
  let peak = baseline;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(serve.pid));
    } catch {
      // The process is between states; the next sample will do.
    }
  }, 50);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < plan.length) {
          const { i, pick } = plan[next++]!;
          tally.requestsSent++;
          try {
            if (pick < 0.6) {
              const body = `message ${i}`;
              const response = await fetch(`${serve.site}/postMessage`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ author: author(i), body }),
              });
              if (response.status !== 200) failures.push(`POST #${i}: ${response.status} ${await response.text()}`);
              else acked.set(((await response.json()) as { id: string }).id, `Sent via HTTP action: ${body}`);
            } else if (pick < 0.8) {
              const response = await fetch(`${serve.site}/getMessagesByAuthor?author=${author(i)}`);
              if (response.status !== 200) failures.push(`GET by author #${i}: ${response.status}`);
              else await response.arrayBuffer();
            } else if (pick < 0.9) {
              const ids = [...acked.keys()];
              const id = ids.length ? ids[i % ids.length]! : "none";
              const response = await fetch(`${serve.site}/messages/${id}`);
              const expected = ids.length ? 200 : 404;
              if (response.status !== expected) failures.push(`GET /messages #${i}: ${response.status}`);
              else await response.arrayBuffer();
            } else {
              const outcome = await callApi(serve.api, "query", "messages:list", { limit: 20 });
              if (outcome.httpStatus !== 200) failures.push(`messages:list #${i}: ${outcome.httpStatus} ${outcome.errorMessage}`);
            }
          } catch (error) {
            failures.push(`#${i}: ${(error as Error).message}`);
          }
        }
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  assert.deepEqual(failures, [], "every request answered as expected");

  // No lost writes: every acknowledged message is there, with its text, and nothing else is.
  const stored = new Map<string, string>();
  for (let a = 0; a < AUTHORS; a++) {
    const response = await fetch(`${serve.site}/getMessagesByAuthor?author=${author(a)}`);
    tally.requestsSent++;
    for (const message of (await response.json()) as Array<{ _id: string; body: string }>) stored.set(message._id, message.body);
  }
  const missing = [...acked].filter(([id, body]) => stored.get(id) !== body);
  tally.dataLost = missing.length;
  assert.deepEqual(missing, [], "acknowledged messages missing");
  assert.equal(stored.size, acked.size, "as many messages as acknowledged posts");

  // Memory: back under baseline + margin once the load is over (bounded wait for GC to settle).
  let settled = rssOf(serve.pid);
  await poll(
    () => {
      settled = rssOf(serve.pid);
      return settled < baseline + RSS_MARGIN ? true : undefined;
    },
    `RSS of serve to drop under ${mib(baseline + RSS_MARGIN)} (baseline ${mib(baseline)}, peak ${mib(peak)}, now ${mib(settled)})`,
    100,
    100,
  );
  assert.equal((await fetch(`${serve.site}/getMessagesByAuthor?author=${author(0)}`)).status, 200, "still serving");
  tally.requestsSent++;
  tally.runs = 1;
  tally.notes.push(
    `${acked.size} messages posted and all found afterwards (${AUTHORS} authors), ${REQUESTS - acked.size} reads`,
    `resident memory of serve: baseline ${mib(baseline)}, peak ${mib(peak)}, after ${mib(settled)} (bound: baseline + ${mib(RSS_MARGIN)})`,
  );
});

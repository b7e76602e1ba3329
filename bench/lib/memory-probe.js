// Preloaded into a `serve` child (`node --require memory-probe.js`, see processes.ts) for the
// memory breakdown of bench/memory-breakdown.ts. Node runs `--require` modules in worker threads
// too, so every thread of the process writes its own figures, current and peak, every 100 ms to
// `$CONVEX_LENS_MEMORY_PROBE/<threadId>.json`:
//
// * every thread: its V8 heap (used and committed; and committed by space: the young generation,
//   the old generation, large objects) and the ArrayBuffers it owns (`arrayBuffers`; sql.js keeps
//   each database file of its in-memory file system in one);
// * the host thread also: the process's resident set by kind (/proc/self/smaps_rollup) and the
//   linear memory of every WebAssembly instance (sql.js's, which holds SQLite's page caches),
//   found by wrapping WebAssembly.instantiate.
//
// A diagnostic for the benchmark only: it is never part of the product.

const { readFileSync, renameSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { isMainThread, threadId } = require("node:worker_threads");
const { getHeapSpaceStatistics, getHeapStatistics } = require("node:v8");

const dir = process.env.CONVEX_LENS_MEMORY_PROBE;
if (dir) {
  /** @type {WebAssembly.Memory[]} */
  const memories = [];
  if (isMainThread) {
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = async function probedInstantiate(...args) {
      const result = await instantiate.apply(this, args);
      const instance = result instanceof WebAssembly.Instance ? result : result.instance;
      for (const value of Object.values(instance.exports)) if (value instanceof WebAssembly.Memory) memories.push(value);
      return result;
    };
  }

  const rollup = () => {
    const fields = {};
    try {
      for (const match of readFileSync("/proc/self/smaps_rollup", "utf8").matchAll(/^(\w+):\s+(\d+) kB/gm))
        fields[match[1]] = Number(match[2]) * 1024;
    } catch {
      // Not Linux: no breakdown by kind.
    }
    return fields;
  };

  const peak = {};
  let atPeakRss = null;
  const sample = () => {
    const heap = getHeapStatistics();
    const usage = process.memoryUsage();
    const now = {
      heapUsed: heap.used_heap_size,
      heapCommitted: heap.total_physical_size,
      external: heap.external_memory,
      arrayBuffers: usage.arrayBuffers,
      young: 0,
      old: 0,
      large: 0,
    };
    for (const space of getHeapSpaceStatistics()) {
      const kind =
        space.space_name === "new_space"
          ? "young"
          : space.space_name === "old_space"
            ? "old"
            : /large_object/.test(space.space_name)
              ? "large"
              : null;
      if (kind) now[kind] += space.physical_space_size;
    }
    if (isMainThread) {
      const smaps = rollup();
      now.rss = usage.rss;
      now.anonymous = smaps.Anonymous ?? 0;
      now.fileBacked = (smaps.Rss ?? 0) - (smaps.Anonymous ?? 0);
      now.wasm = memories.reduce((sum, memory) => sum + memory.buffer.byteLength, 0);
    }
    // The host thread's figures at the moment of the highest RSS, to see what made it up.
    if (isMainThread && now.rss > (peak.rss ?? 0)) atPeakRss = { ...now };
    for (const [key, value] of Object.entries(now)) peak[key] = Math.max(peak[key] ?? 0, value);
    try {
      // Written aside and renamed, so a reader never sees half a file.
      const file = join(dir, `${threadId}.json`);
      writeFileSync(`${file}.tmp`, JSON.stringify({ threadId, main: isMainThread, now, peak, atPeakRss }));
      renameSync(`${file}.tmp`, file);
    } catch {
      // The folder is gone: the benchmark is over.
    }
  };
  setInterval(sample, 100).unref();
  sample();
}

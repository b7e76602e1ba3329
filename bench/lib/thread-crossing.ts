// The floor under every request that runs user code on another thread: one message to a worker
// thread and its answer, with nothing else done on either side. Measured in this process (idle
// while it runs) as CPU time of both threads together, per round trip.
import { Worker } from "node:worker_threads";

const ECHO = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (m) => parentPort.postMessage({ type: "reply", id: m.id, ok: true, value: { _id: "j57c4f1", n: 1 } }));
`;

export interface CrossingCost {
  cpuMicros: number;
  wallMicros: number;
}

export async function measureRoundTrip(roundTrips = 20_000, warmUp = 2_000): Promise<CrossingCost> {
  const worker = new Worker(ECHO, { eval: true });
  try {
    const run = (count: number) =>
      new Promise<void>((resolve) => {
        let sent = 0;
        const next = () => {
          if (sent === count) {
            worker.off("message", next);
            resolve();
            return;
          }
          sent++;
          worker.postMessage({ type: "call", id: sent, execId: "e1", op: "db/get", args: { txId: 1, id: "j57c4f1" } });
        };
        worker.on("message", next);
        next();
      });
    await run(warmUp);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await run(roundTrips);
    const cpu = process.cpuUsage(cpuBefore);
    return {
      cpuMicros: (cpu.user + cpu.system) / roundTrips,
      wallMicros: ((performance.now() - wallBefore) * 1000) / roundTrips,
    };
  } finally {
    await worker.terminate();
  }
}

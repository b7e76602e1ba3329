import { join } from "node:path";
import { copyApp, REPO, scratchDir, startServe } from "../bench/lib/processes";
import { load, seedServe, trimServe, warmUp } from "../bench/lib/load";
async function main() {
  const route = process.argv[2] ?? "pair";
  const app = copyApp(join(REPO, "bench", "app"), "profapp");
  const serve = await startServe(app, { dataDir: scratchDir("profdata"), nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${process.env.PROF}`] });
  await seedServe(serve.apiUrl, 0, 5000);
  const t = route === "ok" ? { url: `${serve.siteUrl}/ok` } : { url: `${serve.siteUrl}/pair`, method: "POST" as const };
  await warmUp(t);
  const r = await load(t, serve, 5);
  console.log(`${route}: ${r.rps.toFixed(0)} req/s, ${r.cpuMicros.toFixed(0)} µs cpu/req`);
  await trimServe(serve.apiUrl);
  await serve.stop();
}
void main();

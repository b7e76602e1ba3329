// Figure 9: the cost of the component boundary. The same HTTP action (insert, then an index lookup)
// calls the app's own functions on one route and the same functions installed in a local component
// on another; runs alternate between the two on one `serve`.
import { load, warmUp, type LoadRun, type LoadTarget } from "../lib/load";
import { scratchDir, startServe } from "../lib/processes";
import { verdict, type Section } from "../lib/report";
import { fmt, median } from "../lib/stats";
import { RUNS } from "./http";

export async function componentCall(appDir: string): Promise<Section> {
  const serve = await startServe(appDir, { dataDir: scratchDir("data-components") });
  try {
    const app: LoadTarget = { url: `${serve.siteUrl}/pair`, method: "POST" };
    const component: LoadTarget = { url: `${serve.siteUrl}/pair-component`, method: "POST" };
    for (const target of [app, component]) {
      const response = await fetch(target.url, { method: "POST" });
      const body = await response.text();
      if (!response.ok || !body.includes('"id"')) throw new Error(`POST ${target.url}: ${response.status} ${body}`);
      await warmUp(target);
    }
    const appRuns: LoadRun[] = [];
    const componentRuns: LoadRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      appRuns.push(await load(app, serve));
      componentRuns.push(await load(component, serve));
    }
    const appRps = median(appRuns.map((r) => r.rps));
    const componentRps = median(componentRuns.map((r) => r.rps));
    const ratio = componentRps / appRps;
    const failures = [...appRuns, ...componentRuns].reduce((sum, r) => sum + r.failures, 0);
    return {
      title: "9. The component boundary: `runMutation` + `runQuery` into a component vs the same functions in the app",
      rows: [
        {
          figure: "req/s, insert + index lookup through a local component",
          value: `${fmt(componentRps)} req/s`,
          baseline: `the same functions in the app: ${fmt(appRps)} req/s`,
          ratio: `${fmt(ratio, 2)}×`,
          goal: "≥ 0.8×",
          verdict: verdict(ratio >= 0.8, failures === 0),
        },
      ],
      details: [
        "One `serve` of bench/components-app; both routes run the same handler over the same function definitions (lib/item-functions.ts); runs alternate, app first.",
        `app route req/s: ${appRuns.map((r) => fmt(r.rps)).join(", ")}; component route: ${componentRuns.map((r) => fmt(r.rps)).join(", ")}`,
        `CPU per request, app route: ${fmt(median(appRuns.map((r) => r.cpuMicros)))} µs; component route: ${fmt(median(componentRuns.map((r) => r.cpuMicros)))} µs`,
        ...(failures === 0 ? [] : [`**${failures} failed requests — the figure is not valid.**`]),
      ],
    };
  } finally {
    await serve.stop();
  }
}

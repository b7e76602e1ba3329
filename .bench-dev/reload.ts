import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyApp, REPO, scratchDir, startServe } from "../bench/lib/processes";
import { sleep } from "../bench/lib/stats";
const MARKER = "Add ?author=<name> to the URL";
async function main() {
  const chat = copyApp(join(REPO, "examples", "chat"), "chat");
  const serve = await startServe(chat, { dataDir: scratchDir("d") });
  const file = join(chat, "convex", "http.ts");
  const original = readFileSync(file, "utf8");
  const url = `${serve.siteUrl}/getMessagesByAuthor`;
  await sleep(Number(process.env.PRESLEEP ?? 0));
  for (let edit = 1; edit <= 6; edit++) {
    const expected = `${MARKER} (edit ${edit})`;
    const before = serve.output.length;
    const saved = performance.now();
    writeFileSync(file, original.replace(MARKER, expected));
    let reloadedAt = 0; let polls = 0;
    for (;;) {
      if (!reloadedAt && serve.output.slice(before).includes("reloaded")) reloadedAt = performance.now() - saved;
      const body = await (await fetch(url)).text(); polls++;
      if (body.includes(expected)) break;
      if (performance.now() - saved > 5000) { console.log('STUCK', serve.output); process.exit(1); }
      await sleep(Number(process.env.POLL ?? 10));
    }
    const total = performance.now() - saved;
    console.log(`edit ${edit}: new response after ${total.toFixed(0)} ms; 'reloaded' seen at ${reloadedAt.toFixed(0)} ms; polls ${polls}; ${serve.output.slice(before).trim().split("\n").join(" | ")}`);
    await sleep(300);
  }
  writeFileSync(file, original);
  await serve.stop();
}
void main();

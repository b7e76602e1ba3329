// Targets: the embedded runtime, a Convex local backend, the deployment of .env.local.
import { test } from "node:test";
import assert from "node:assert/strict";
import { deploymentFromEnv, isTargetKind, logsUnavailableNote, resolveTarget, targetChoices } from "../../extension/targets/targets";

// What `npx convex dev` writes.
const envLocal = [
  "# Deployment used by `npx convex dev`",
  "CONVEX_DEPLOYMENT=dev:happy-animal-123 # team: ada, project: chat",
  "",
  "VITE_CONVEX_URL=https://happy-animal-123.convex.cloud",
].join("\n");

test("the runtime target names the runtime's URL, or says it is stopped", () => {
  assert.deepEqual(resolveTarget("runtime", { runtimeSiteUrl: "http://127.0.0.1:3311", envLocal: null }), {
    kind: "runtime",
    label: "Local runtime — http://127.0.0.1:3311",
    siteUrl: "http://127.0.0.1:3311",
    unavailable: null,
    hasLogs: true,
  });
  const stopped = resolveTarget("runtime", { runtimeSiteUrl: null, envLocal: null });
  assert.equal(stopped.label, "Local runtime (stopped)");
  assert.equal(stopped.siteUrl, null);
  assert.match(stopped.unavailable!, /Start runtime/);
});

test("the local backend is 127.0.0.1:3211, without our logs", () => {
  const target = resolveTarget("localBackend", { runtimeSiteUrl: null, envLocal: null });
  assert.equal(target.label, "Convex local backend — http://127.0.0.1:3211");
  assert.equal(target.siteUrl, "http://127.0.0.1:3211");
  assert.equal(target.hasLogs, false);
  assert.match(logsUnavailableNote(target), /^Logs are only available for the local runtime\./);
});

test("the deployment: .convex.cloud → .convex.site, named after the deployment", () => {
  const target = resolveTarget("deployment", { runtimeSiteUrl: null, envLocal });
  assert.equal(target.label, "Deployment happy-animal-123 — https://happy-animal-123.convex.site");
  assert.equal(target.siteUrl, "https://happy-animal-123.convex.site");
  assert.equal(target.hasLogs, false);
  assert.match(logsUnavailableNote(target), /npx convex logs/);
});

test("CONVEX_SITE_URL wins; CONVEX_URL and NEXT_PUBLIC_CONVEX_URL are read too; custom domains keep CONVEX_DEPLOYMENT's name", () => {
  assert.deepEqual(deploymentFromEnv(`${envLocal}\nCONVEX_SITE_URL=https://api.example.com/`), {
    siteUrl: "https://api.example.com",
    name: "happy-animal-123",
    source: "CONVEX_SITE_URL",
  });
  assert.deepEqual(deploymentFromEnv("CONVEX_URL=https://tidy-fox-9.convex.cloud"), {
    siteUrl: "https://tidy-fox-9.convex.site",
    name: "tidy-fox-9",
    source: "CONVEX_URL",
  });
  assert.deepEqual(deploymentFromEnv('NEXT_PUBLIC_CONVEX_URL="https://tidy-fox-9.eu-west-1.convex.cloud"'), {
    siteUrl: "https://tidy-fox-9.eu-west-1.convex.site",
    name: "tidy-fox-9",
    source: "NEXT_PUBLIC_CONVEX_URL",
  });
  assert.deepEqual(deploymentFromEnv("CONVEX_SITE_URL=https://api.example.com"), {
    siteUrl: "https://api.example.com",
    name: "api.example.com",
    source: "CONVEX_SITE_URL",
  });
});

test("a deployment that cannot be used says what to do", () => {
  const none = resolveTarget("deployment", { runtimeSiteUrl: null, envLocal: null });
  assert.equal(none.siteUrl, null);
  assert.match(none.unavailable!, /no \.env\.local.*npx convex dev.*CONVEX_SITE_URL/);
  const empty = resolveTarget("deployment", { runtimeSiteUrl: null, envLocal: "OTHER=1" });
  assert.match(empty.unavailable!, /names no deployment/);
  const local = resolveTarget("deployment", {
    runtimeSiteUrl: null,
    envLocal: "CONVEX_DEPLOYMENT=local:x\nVITE_CONVEX_URL=http://127.0.0.1:3210",
  });
  assert.match(local.unavailable!, /not a \*\.convex\.cloud URL.*add CONVEX_SITE_URL/);
  const bad = resolveTarget("deployment", { runtimeSiteUrl: null, envLocal: "CONVEX_SITE_URL=not a url" });
  assert.match(bad.unavailable!, /not an http\(s\) URL/);
});

test("the quick pick lists every target, marks the current one, and explains the unusable ones", () => {
  const rows = targetChoices("localBackend", { runtimeSiteUrl: "http://127.0.0.1:3311", envLocal: null });
  assert.deepEqual(
    rows.map((row) => [row.target, row.label, row.description, row.picked]),
    [
      ["runtime", "Local runtime", "http://127.0.0.1:3311", false],
      ["localBackend", "Convex local backend", "http://127.0.0.1:3211", true],
      ["deployment", "Deployment from .env.local", "unavailable", false],
    ],
  );
  assert.match(rows[2]!.detail, /no \.env\.local/);
  assert.ok(isTargetKind("deployment"));
  assert.ok(!isTargetKind("prod"));
});

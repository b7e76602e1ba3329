// The functions panel's host side without VS Code: the runtime status it shows, and each request
// answered over a real runtime with fake effects (dialogs, clipboard, commands).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  handleFunctionsRequest,
  panelState,
  runtimeView,
  type FunctionsEffects,
  type FunctionsSource,
} from "../../extension/panels/functions-panel-requests";
import type { FunctionsRequest, RunResultView } from "../../webview/protocol/functions";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;

test.before(async () => {
  server = await serveFixture("inspect-app");
});
test.after(() => server.stop());

const live = (): FunctionsSource => ({ session: { state: server.runtime.state, serving: { runtime: server.runtime } } });

class EffectsFake implements FunctionsEffects {
  readonly calls: Array<[string, ...unknown[]]> = [];
  answer = true;
  async openRoute(routeKey: string) {
    this.calls.push(["openRoute", routeKey]);
  }
  async copyText(text: string) {
    this.calls.push(["copyText", text]);
  }
  async confirm(message: string, action: string) {
    this.calls.push(["confirm", message, action]);
    return this.answer;
  }
  async download(storageId: string, url: string, contentType: string | null) {
    this.calls.push(["download", storageId, url, contentType]);
    return this.answer;
  }
}

let nextId = 1;
const ask = <T extends FunctionsRequest["type"]>(
  message: Omit<Extract<FunctionsRequest, { type: T }>, "id"> & { type: T },
  effects = new EffectsFake(),
  source = live(),
) => handleFunctionsRequest({ ...message, id: nextId++ } as Extract<FunctionsRequest, { type: T }>, source, effects);

test("the runtime status: untrusted, stopped, starting, failed builds, serving an older build", () => {
  assert.deepEqual(runtimeView({ session: null }), { kind: "untrusted" });
  assert.deepEqual(runtimeView({ session: { state: { kind: "stopped" }, serving: null } }), { kind: "stopped" });
  assert.deepEqual(runtimeView({ session: { state: { kind: "starting" }, serving: null } }), { kind: "starting" });
  assert.deepEqual(runtimeView({ session: { state: { kind: "failed", message: "EADDRINUSE" }, serving: null } }), {
    kind: "failed",
    message: "EADDRINUSE",
  });
  assert.equal(runtimeView({ session: { state: { kind: "build-failed", errors: [], serving: false }, serving: null } }).kind, "failed");
  const olderBuild = runtimeView({
    session: { state: { kind: "build-failed", errors: [], serving: true }, serving: { runtime: server.runtime } },
  });
  assert.equal(olderBuild.kind, "ready");
  assert.match(olderBuild.kind === "ready" ? (olderBuild.notice ?? "") : "", /previous build keeps serving/);
  assert.deepEqual(panelState({ session: null }), { runtime: { kind: "untrusted" }, functions: [], routes: [], crons: [] });
  const state = panelState(live());
  assert.deepEqual(state.runtime, { kind: "ready", notice: null });
  assert.ok(state.functions.some((f) => f.name === "tasks:add" && f.args === "v.object({title: v.string()})"));
  assert.deepEqual(
    state.routes.map((r) => `${r.method} ${r.path}`),
    ["GET /hello", "POST /items/*"],
  );
});

test("without a running runtime, requests fail with a message saying what to do", async () => {
  await assert.rejects(
    ask({ type: "runFunction", component: "", name: "tasks:list", args: {}, authorization: null }, undefined, { session: null }),
    /trusted workspace/,
  );
  await assert.rejects(
    ask({ type: "listTables" }, undefined, { session: { state: { kind: "stopped" }, serving: null } }),
    /stopped.*Start runtime/,
  );
});

test("a run answers with the result and the executions with their log lines", async () => {
  const result = (await ask({
    type: "runFunction",
    component: "",
    name: "tasks:add",
    args: { title: "from the panel" },
    authorization: null,
  })) as RunResultView;
  assert.equal(result.outcome, "success");
  assert.deepEqual(
    result.executions.map((e) => [e.identifier, e.outcome, e.lines.map((l) => l.message)]),
    [["tasks:add", "success", ["'adding' 'from the panel'"]]],
  );
  const after = panelState(live()).functions.find((f) => f.name === "tasks:add")!;
  assert.ok(after.stats.calls >= 1, "the stats count the run");
});

test("deletes ask first; a cancelled delete deletes nothing", async () => {
  const added = (await ask({
    type: "runFunction",
    component: "",
    name: "tasks:add",
    args: { title: "maybe" },
    authorization: null,
  })) as RunResultView;
  const id = JSON.parse(added.result!) as string;
  const effects = new EffectsFake();
  effects.answer = false;
  assert.equal(await ask({ type: "deleteDocument", component: "", table: "tasks", documentId: id }, effects), false);
  assert.equal(effects.calls[0]![0], "confirm");
  assert.match(String(effects.calls[0]![1]), new RegExp(id));
  const page = await ask({ type: "pageDocuments", component: "", table: "tasks", cursor: null });
  assert.ok(page.documents.some((d) => d.id === id));
  effects.answer = true;
  assert.equal(await ask({ type: "deleteDocument", component: "", table: "tasks", documentId: id }, effects), true);
  assert.ok(!(await ask({ type: "pageDocuments", component: "", table: "tasks", cursor: null })).documents.some((d) => d.id === id));
});

test("files: a download gets the API URL and the content type; routes and copies go to VS Code", async () => {
  const stored = (await ask({
    type: "runFunction",
    component: "",
    name: "files:storeText",
    args: { text: "hi", type: "text/plain" },
    authorization: null,
  })) as RunResultView;
  const storageId = JSON.parse(stored.result!) as string;
  const effects = new EffectsFake();
  assert.equal(await ask({ type: "downloadFile", component: "", storageId }, effects), true);
  assert.deepEqual(effects.calls, [["download", storageId, `${server.api.url}/api/storage/${storageId}`, "text/plain"]]);
  await ask({ type: "openRoute", route: "GET /hello" }, effects);
  await ask({ type: "copyText", text: storageId }, effects);
  assert.deepEqual(effects.calls.slice(1), [
    ["openRoute", "GET /hello"],
    ["copyText", storageId],
  ]);
  const [app] = await ask({ type: "listFiles" });
  assert.equal(app!.component, "");
  assert.ok(app!.files.some((f) => f.id === storageId));
  assert.deepEqual(await ask({ type: "previewFile", component: "", storageId }), { kind: "text", text: "hi" });
  assert.equal(await ask({ type: "deleteFile", component: "", storageId }, effects), true);
  await assert.rejects(ask({ type: "downloadFile", component: "", storageId }, effects), /no file/);
});

test("a malformed request is refused by name", async () => {
  await assert.rejects(ask({ type: "pageDocuments", component: "", table: 42 as never, cursor: null }), /malformed "pageDocuments"/);
  await assert.rejects(
    ask({ type: "runFunction", component: "", name: "tasks:list", args: {}, authorization: 7 as never }),
    /malformed "runFunction"/,
  );
  await assert.rejects(ask({ type: "deleteFile", component: "", storageId: null as never }), /malformed "deleteFile"/);
  // A request without its install is refused, not read as the app's.
  await assert.rejects(ask({ type: "pageDocuments", table: "tasks", cursor: null } as never), /malformed "pageDocuments"/);
  await assert.rejects(ask({ type: "runFunction", name: "tasks:list", args: {}, authorization: null } as never), /malformed "runFunction"/);
});

// The functions panel and the log panel over component installs, host side, against a real runtime
// serving test/fixtures/component-calls (local components `counter`, `counter2` (mounted on the
// site), `wrapper` and `wrapper/counter`, whose tables are named like the app's): functions and
// statistics by install, runs of a component's functions, each install's tables and files, the
// component cron jobs, the routes' origins, and the log panel's function filter.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  handleFunctionsRequest,
  panelState,
  type FunctionsEffects,
  type FunctionsSource,
} from "../../extension/panels/functions-panel-requests";
import { LogPanelController } from "../../extension/panels/log-panel-controller";
import { InspectError, readFile } from "../../runtime/inspect";
import type { DocumentView, FunctionsRequest, RunResultView } from "../../webview/protocol/functions";
import type { LogFilterView, LogFunctionView, LogsLatestView } from "../../webview/protocol/logs";
import type { HostMessage } from "../../webview/protocol/messages";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

let server: FixtureServer;

before(async () => {
  server = await serveFixture("component-calls");
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
});
after(() => server?.stop());

const live = (): FunctionsSource => ({
  session: { state: server.runtime.state, serving: { runtime: server.runtime, crons: server.crons } },
});

const confirmed: Array<[string, string]> = [];
const effects: FunctionsEffects = {
  openRoute: async () => undefined,
  copyText: async () => undefined,
  confirm: async (message, action) => {
    confirmed.push([message, action]);
    return true;
  },
  download: async () => true,
};

let nextId = 1;
const ask = <T extends FunctionsRequest["type"]>(message: Omit<Extract<FunctionsRequest, { type: T }>, "id"> & { type: T }) =>
  handleFunctionsRequest({ ...message, id: nextId++ } as Extract<FunctionsRequest, { type: T }>, live(), effects);

const run = async (component: string, name: string, args: Record<string, unknown>): Promise<RunResultView> =>
  ask({ type: "runFunction", component, name, args: args as never, authorization: null });

async function value<T>(component: string, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await run(component, name, args);
  assert.equal(result.outcome, "success", result.error ?? "");
  return JSON.parse(result.result!) as T;
}

const fields = (doc: DocumentView) => JSON.parse(doc.fields) as Record<string, unknown>;

test("functions are grouped by install, the app first, and their stats are the install's own", async () => {
  const before = panelState(live()).functions;
  const installs = [...new Set(before.map((f) => f.component))];
  assert.deepEqual(installs, ["", "counter", "counter2", "wrapper", "wrapper/counter"]);
  const add = (component: string) => panelState(live()).functions.find((f) => f.component === component && f.name === "public:add")!;
  assert.deepEqual(
    { ...add("counter"), stats: null },
    {
      component: "counter",
      name: "public:add",
      module: "public",
      functionName: "add",
      udfType: "mutation",
      visibility: "public",
      args: "v.object({count: v.float64(), name: v.string()})",
      stats: null,
    },
  );
  assert.equal(before.find((f) => f.component === "counter" && f.name === "public:secret")!.visibility, "internal");
  const counter2Calls = add("counter2").stats.calls;
  const wrappedCalls = add("wrapper/counter").stats.calls;

  const result = await run("counter", "public:add", { name: "stats", count: 2 });
  assert.equal(result.outcome, "success", result.error ?? "");
  assert.equal(result.component, "counter");
  assert.deepEqual(
    result.executions.map((e) => [e.identifier, e.outcome]),
    [["counter/public:add", "success"]],
    "named as the backend logs it",
  );
  assert.ok(add("counter").stats.calls >= 1, "the run counts for counter's public:add");
  assert.equal(add("counter2").stats.calls, counter2Calls, "not for the same function of another install");
  assert.equal(add("wrapper/counter").stats.calls, wrappedCalls);
  assert.equal(panelState(live()).functions.find((f) => f.component === "" && f.name === "app:bump")!.stats.calls, 0);
});

test("a component's functions run in their install, with arguments validated there; internal ones too, as from the dashboard", async () => {
  assert.equal(await value("counter2", "public:add", { name: "runner", count: 3 }), 3);
  assert.equal(await value("counter2", "public:count", { name: "runner" }), 3);
  assert.equal(await value("counter", "public:count", { name: "runner" }), null, "counter's table is not counter2's");
  assert.equal(await value("wrapper", "public:addInChild", { name: "runner", count: 4 }), 4);
  assert.equal(await value("wrapper/counter", "public:count", { name: "runner" }), 4);

  const invalid = await run("counter", "public:add", { name: "x", count: "many" });
  assert.equal(invalid.outcome, "failure");
  assert.match(
    invalid.error!,
    /^\[Request ID: [0-9a-f]+\] Server Error\nArgumentValidationError: Value does not match validator\.\nPath: \.count/,
  );

  // The dashboard runs a component's internal functions with the admin key; so does the panel.
  assert.equal(await value("counter", "public:secret"), "internal only");
  const refused = await server.runtime.runFunction("public:secret", {}, { componentPath: "counter", publicOnly: true });
  assert.equal(refused.ok, false, "the same function stays out of reach of outside callers");

  await assert.rejects(
    run("counter", "public:nothing", {}),
    (error: unknown) => error instanceof InspectError && /Component counter has no function named "public:nothing"/.test(error.message),
  );
  await assert.rejects(run("nowhere", "public:add", {}), /There is no component "nowhere" \(any more\)/);
  await assert.rejects(run("", "public:add", {}), /The project has no function named "public:add"/, "the app has no such function");
});

test("the Data tab lists every install's tables under their own names, the app first; Convex Lens's bookkeeping stays hidden", async () => {
  await value("", "app:bump", { name: "tables" });
  // A job scheduled into a component writes the runtime's `_scheduled_job_targets`.
  await value("", "app:scheduleInComponent", { name: "tables" });
  const tables = await ask({ type: "listTables" });
  const installs = [...new Set(tables.map((t) => t.component))];
  assert.deepEqual(installs.slice(0, 2), ["", "counter"]);
  assert.deepEqual(
    installs,
    [...installs].sort((a, b) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
    "then by path",
  );
  const of = (component: string) => tables.filter((t) => t.component === component);
  assert.deepEqual(
    of("")
      .filter((t) => !t.system)
      .map((t) => t.name),
    ["callbacks", "counters", "handles"],
  );
  assert.deepEqual(
    of("counter")
      .filter((t) => !t.system)
      .map((t) => t.name),
    ["counters", "log"],
  );
  assert.ok(
    tables.every((t) => !t.name.includes("/")),
    "plain names, the install apart",
  );
  const appCounters = of("").find((t) => t.name === "counters")!;
  const counter2Counters = of("counter2").find((t) => t.name === "counters")!;
  assert.ok(appCounters.documents >= 1 && counter2Counters.documents >= 1);
  const hidden = ["_cron_jobs", "_cron_job_logs", "_function_handles", "_scheduled_job_targets"];
  assert.ok(
    hidden.every((name) => server.runtime.store.listTables().some((t) => t.name === name)),
    "the runtime keeps them",
  );
  assert.deepEqual(
    tables.filter((t) => hidden.includes(t.name)),
    [],
  );
  await assert.rejects(
    ask({ type: "pageDocuments", component: "", table: "_cron_jobs", cursor: null }),
    /no table named "_cron_jobs" in the app/,
  );
  await assert.rejects(
    ask({ type: "pageDocuments", component: "", table: "counter/counters", cursor: null }),
    /no table named "counter\/counters" in the app/,
  );
  await assert.rejects(
    ask({ type: "pageDocuments", component: "counter", table: "callbacks", cursor: null }),
    /no table named "callbacks" in component counter/,
  );
});

test("documents are browsed, edited against the install's schema, and deleted per install", async () => {
  await value("", "app:bump", { name: "edit" });
  const find = async (component: string) => {
    const page = await ask({ type: "pageDocuments", component, table: "counters", cursor: null });
    assert.equal(page.component, component);
    return page.documents.find((d) => fields(d).name === "edit")!;
  };
  const [app, counter, counter2] = [await find(""), await find("counter"), await find("counter2")];
  assert.deepEqual([fields(app).value, fields(counter).value, fields(counter2).value], [100, 1, 10]);

  await assert.rejects(
    ask({
      type: "replaceDocument",
      component: "counter",
      table: "counters",
      documentId: counter.id,
      fields: { name: "edit", value: "ten" },
    }),
    (error: Error) =>
      /Failed to insert or update a document in table "counters" because it does not match the schema/.test(error.message) &&
      !error.message.includes("counter/"),
  );
  await assert.rejects(
    ask({ type: "replaceDocument", component: "counter", table: "counters", documentId: app.id, fields: { name: "edit", value: 0 } }),
    /nonexistent document/,
    "an ID of the app's table names no document of the component's",
  );
  await assert.rejects(
    ask({ type: "replaceDocument", component: "counter", table: "_storage", documentId: counter.id, fields: {} }),
    /system table/,
  );
  const saved = await ask({
    type: "replaceDocument",
    component: "counter",
    table: "counters",
    documentId: counter.id,
    fields: { name: "edit", value: 5 },
  });
  assert.deepEqual(fields(saved), { name: "edit", value: 5 });
  assert.equal(await value("counter", "public:count", { name: "edit" }), 5, "the component's own functions see the edit");
  assert.equal(fields(await find("")).value, 100, "the app's document of the same table name is untouched");

  confirmed.length = 0;
  assert.equal(await ask({ type: "deleteDocument", component: "counter2", table: "counters", documentId: counter2.id }), true);
  assert.match(confirmed[0]![0], new RegExp(`Delete document ${counter2.id} from counters of component counter2\\?`));
  assert.equal(await find("counter2"), undefined);
  assert.equal(await value("counter2", "public:count", { name: "edit" }), null);
  assert.ok(await find("counter"), "counter's document stays");
});

test("the Files tab groups files by install; preview, download and delete go through the file's install", async () => {
  const { appFile, componentFile } = await value<{ appFile: string; componentFile: string }>("", "app:fileRoundTrip");
  const groups = await ask({ type: "listFiles" });
  assert.equal(groups[0]!.component, "", "the app first");
  assert.deepEqual(
    groups.map((g) => g.component),
    ["", "counter"],
    "components without files are left out",
  );
  assert.ok(groups[0]!.files.some((f) => f.id === appFile));
  assert.deepEqual(
    groups[1]!.files.map((f) => f.id),
    [componentFile],
  );
  const more = await ask({ type: "pageFiles", component: "counter", cursor: null });
  assert.deepEqual(
    more.files.map((f) => f.id),
    [componentFile],
  );
  assert.deepEqual(await ask({ type: "pageFiles", component: "counter2", cursor: null }), {
    component: "counter2",
    files: [],
    continueCursor: null,
  });

  assert.equal(
    (await ask({ type: "previewFile", component: "counter", storageId: componentFile })).kind,
    "none",
    "stored without a content type",
  );
  assert.equal(new TextDecoder().decode((await readFile(server.runtime, "counter", componentFile))!.bytes), "component bytes");
  await assert.rejects(ask({ type: "previewFile", component: "", storageId: componentFile }), /There is no file .* in the app/);
  await assert.rejects(ask({ type: "previewFile", component: "counter", storageId: appFile }), /in component counter/);

  const downloads: Array<[string, string]> = [];
  const download: FunctionsEffects = {
    ...effects,
    download: async (id, url) => {
      downloads.push([id, url]);
      return true;
    },
  };
  assert.equal(
    await handleFunctionsRequest({ type: "downloadFile", id: nextId++, component: "counter", storageId: componentFile }, live(), download),
    true,
  );
  assert.equal(await (await fetch(downloads[0]![1])).text(), "component bytes");

  confirmed.length = 0;
  assert.equal(await ask({ type: "deleteFile", component: "counter", storageId: componentFile }), true);
  assert.match(confirmed[0]![0], /of component counter\?/);
  assert.deepEqual(
    (await ask({ type: "listFiles" })).map((g) => g.component),
    [""],
  );
  assert.equal((await fetch(downloads[0]![1])).status, 404);
  await assert.rejects(
    ask({ type: "deleteFile", component: "counter", storageId: appFile }),
    /not found/,
    "the app's file is not counter's",
  );
  assert.ok((await ask({ type: "listFiles" }))[0]!.files.some((f) => f.id === appFile));
});

test("each install's cron jobs are listed with their install and the kind of their function, app jobs first", async () => {
  const crons = panelState(live()).crons;
  assert.deepEqual(
    crons.map((c) => [c.component, c.identifier, c.functionName, c.udfType]),
    [
      ["counter", "tick", "public:tick", "mutation"],
      ["counter2", "tick", "public:tick", "mutation"],
      ["wrapper/counter", "tick", "public:tick", "mutation"],
    ],
  );
});

test("the routes say which install serves them", () => {
  const routes = panelState(live()).routes;
  assert.deepEqual(
    routes.map((r) => [`${r.method} ${r.path}`, r.component, r.addedBy]),
    [
      ["POST /bump", null, null],
      ["GET /counter2/hello", "counter2", null],
    ],
  );
});

test("the log panel lists a component's functions by their qualified name and filters on them", async () => {
  await value("counter", "public:add", { name: "logs", count: 1 });
  await value("counter2", "public:add", { name: "logs", count: 1 });
  const replies = new Map<number, Extract<HostMessage, { type: "reply" }>>();
  const controller = new LogPanelController({
    post: (message) => void (message.type === "reply" && replies.set(message.id, message)),
    openSource: async () => {},
    retention: () => 100_000,
    tailDelayMs: 5,
  });
  controller.setSource({ reader: server.runtime.logs }, { kind: "live" });
  const request = async <T>(message: Record<string, unknown>): Promise<T> => {
    const id = nextId++;
    await controller.handle({ ...message, id } as never);
    const reply = replies.get(id)!;
    assert.ok(reply.ok, reply.ok ? "" : reply.error);
    return (reply as { value: T }).value;
  };
  try {
    const functions = await request<LogFunctionView[]>({ type: "logsFunctions" });
    const identifiers = functions.map((f) => f.identifier);
    assert.ok(identifiers.includes("counter/public:add") && identifiers.includes("counter2/public:add"), identifiers.join(", "));
    const filter: LogFilterView = {
      levels: ["DEBUG", "LOG", "INFO", "WARN", "ERROR"],
      kinds: ["query", "mutation", "action", "httpAction"],
      identifier: "counter/public:add",
      text: "",
      requestId: "",
    };
    const page = await request<LogsLatestView>({ type: "logsLatest", filter, floor: null, limit: 200 });
    assert.ok(page.rows.length > 0);
    assert.deepEqual([...new Set(page.rows.map((row) => row.identifier))], ["counter/public:add"]);
  } finally {
    controller.dispose();
  }
});

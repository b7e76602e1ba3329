// The functions panel in a test DOM: the runtime status, the function list with its stats, the
// runner (argument parsing, the request it posts, results and logs), routes, saved state.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ExecutionView } from "../../webview/protocol/core";
import { fn, openFunctionsPanel, readyState, route, runResult, stats, withFunctionsPanel } from "./functions-fixture";
import { VsCodeApiFake } from "./webview-fixture";

const at = Date.UTC(2026, 0, 2, 3, 4, 5);
const hostile = "<img src=x onerror=alert(1)>";

test("the panel says ready, waits for the host, then lists functions by module with their stats", () =>
  withFunctionsPanel(async (panel) => {
    assert.deepEqual(panel.api.posted, [{ type: "ready" }]);
    assert.equal(panel.get("#runtime-status").dataset.kind, "waiting");
    assert.match(panel.text("#runtime-status")!, /Waiting for the extension/);

    panel.show(readyState());
    assert.ok(panel.get("#runtime-status").hidden, "nothing to say while the runtime is ready");
    const modules = panel.all("#function-list .module").map((m) => m.dataset.module ?? "HTTP");
    assert.deepEqual(modules, ["tasks", "admin/users", "HTTP"]);
    // Within a module: queries, mutations, actions; then by name.
    const rows = panel.all('.module[data-module="tasks"] .function-row').map((row) => [row.dataset.function, row.dataset.kind]);
    assert.deepEqual(rows, [
      ["tasks:count", "query"],
      ["tasks:list", "query"],
      ["tasks:add", "mutation"],
    ]);
    const list = panel.get('[data-function="tasks:list"]');
    assert.equal(list.querySelector(".stat-calls")!.textContent, "12");
    assert.equal(list.querySelector(".stat-errors")!.textContent, "1");
    assert.ok(list.querySelector(".stat-errors")!.classList.contains("has-errors"));
    assert.equal(list.querySelector(".stat-p50")!.textContent, "3.3 ms");
    assert.equal(list.querySelector(".stat-p95")!.textContent, "40 ms");
    assert.equal(panel.get('[data-function="tasks:count"] .stat-p50').textContent, "–", "no finished call yet");
    assert.equal(panel.get('[data-function="tasks:count"] .internal-tag').textContent, "internal");
    assert.equal(panel.find('[data-function="tasks:list"] .internal-tag'), null);
    assert.equal(panel.get('[data-function="tasks:add"] .kind').textContent, "M");
    assert.equal(panel.get('[data-route="GET /hello"] .stat-p50').textContent, "<1 ms");
    assert.equal(panel.get('[data-route="GET /hello"] .stat-errors').textContent, "2");
    assert.deepEqual(
      panel.all(".route-row").map((r) => r.dataset.route),
      ["GET /hello", "POST /items/*"],
    );
    assert.match(panel.text("#runner-empty")!, /Select a function/);
  }));

test("stopped, starting, failed and untrusted runtimes are said so, and nothing can run", async () => {
  for (const [runtime, pattern] of [
    [{ kind: "stopped" }, /runtime is stopped.*Start runtime/],
    [{ kind: "untrusted" }, /not trusted/],
    [{ kind: "starting" }, /starting/],
    [{ kind: "failed", message: "The project does not build yet: see the Problems view." }, /does not build yet/],
  ] as const) {
    await withFunctionsPanel(
      async (panel) => {
        await panel.settle();
        assert.equal(panel.get("#runtime-status").dataset.kind, runtime.kind);
        assert.match(panel.text("#runtime-status")!, pattern);
        assert.equal(panel.get("#runtime-status").hidden, false);
        assert.match(panel.text("#function-list")!, /not loaded/);
        assert.match(panel.text("#data")!, /while the runtime runs/);
        assert.deepEqual(panel.sent("listTables"), [], "no data requests while it is not running");
      },
      { state: { runtime, functions: [], routes: [], crons: [] } },
    );
  }
  // A build that failed while the previous one serves: functions run, the notice says why.
  await withFunctionsPanel(
    async (panel) => {
      assert.match(panel.text("#runtime-status")!, /previous build keeps serving/);
      panel.click('[data-function="tasks:list"] .function-select');
      assert.equal(panel.get("#run").hasAttribute("disabled"), false);
    },
    { state: readyState({ runtime: { kind: "ready", notice: "The latest build failed; the previous build keeps serving." } }) },
  );
});

test("a stopped runtime disables Run even for a function selected earlier", () =>
  withFunctionsPanel(
    (panel) => {
      panel.click('[data-function="tasks:add"] .function-select');
      assert.equal(panel.get("#run").hasAttribute("disabled"), false);
      panel.show({ runtime: { kind: "stopped" }, functions: [], routes: [], crons: [] });
      assert.match(panel.text("#runner")!, /tasks:add is no longer in the project/);
      assert.equal(panel.find("#run"), null);
    },
    { state: readyState() },
  ));

test("selecting a function opens the runner; Run posts the parsed JSON arguments and the token", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.click('[data-function="tasks:add"] .function-select');
      assert.equal(panel.text("#selected-function"), "tasks:add");
      assert.equal(panel.text("#args-validator"), "v.object({title: v.string()})");
      assert.ok(panel.get('[data-function="tasks:add"]').classList.contains("selected"));
      assert.equal((panel.get("#args") as HTMLElement & { value: string }).value, "{}");

      panel.type("#args", '{ "title": "write tests", "n": 12345678901234567890, "nested": [null, true] }');
      panel.click("#run");
      const [request] = panel.sent("runFunction");
      assert.deepEqual(request, {
        type: "runFunction",
        id: request!.id,
        component: "",
        name: "tasks:add",
        // 12345678901234567890 as JSON.parse reads it: the nearest double, as JavaScript writes it.
        args: { title: "write tests", n: 12345678901234567000, nested: [null, true] },
        authorization: null,
      });
      assert.ok(panel.get("#run").hasAttribute("disabled"), "one run at a time");
      assert.equal(panel.get("#run-progress").hidden, false);
      panel.reply(request!.id, runResult());
      await panel.settle();
      assert.equal(panel.get("#run").hasAttribute("disabled"), false);

      panel.type("#authorization", "  Bearer eyJhbGciOi.x.y  ");
      panel.type("#args", "   ");
      panel.click("#run");
      const second = panel.sent("runFunction")[1]!;
      assert.deepEqual(second.args, {}, "blank arguments are {}");
      assert.equal(second.authorization, "Bearer eyJhbGciOi.x.y");
    },
    { state: readyState() },
  ));

test("a pasted vector of 1,536 numbers reaches the host exactly, and is kept as typed when the panel comes back", async () => {
  const api = new VsCodeApiFake();
  // An embedding as a model gives one: signs, exponents, 17 significant digits.
  const vector = Array.from({ length: 1536 }, (_, i) => (i % 7 === 0 ? -1 : 1) * Math.sin(i + 1) * 10 ** -(i % 9));
  const text = `{"vector": [${vector.map(String).join(", ")}], "topic": "lens"}`;
  const panel = openFunctionsPanel({ api, state: readyState(), responders: { runFunction: runResult() } });
  try {
    panel.click('[data-function="tasks:add"] .function-select');
    panel.type("#args", text);
    panel.click("#run");
    const [request] = panel.sent("runFunction");
    const sent = request!.args as { vector: number[]; topic: string };
    assert.equal(sent.vector.length, 1536);
    assert.ok(
      sent.vector.every((n, i) => Object.is(n, vector[i])),
      "every number as pasted",
    );
    assert.equal(sent.topic, "lens");
    await panel.settle();
  } finally {
    await panel.close();
  }
  const again = openFunctionsPanel({ api: new VsCodeApiFake(api.state) });
  try {
    assert.equal((again.get("#args") as HTMLElement & { value: string }).value, text);
  } finally {
    await again.close();
  }
});

test("arguments that are not a JSON object are refused in the panel, with a message, and nothing is sent", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.click('[data-function="tasks:add"] .function-select');
      for (const [args, pattern] of [
        ['{"title": "a",}', /Arguments are not valid JSON/],
        ["{title: 'a'}", /Arguments are not valid JSON/],
        ['["a"]', /must be a JSON object.*not an array\. To pass an array, name its argument: \{"vector": \[/],
        ["42", /must be a JSON object.*not a number/],
        ["null", /must be a JSON object.*not null/],
      ] as const) {
        panel.type("#args", args);
        panel.click("#run");
        assert.equal(panel.get("#run-error").hidden, false, args);
        assert.match(panel.text("#run-error")!, pattern);
      }
      assert.deepEqual(panel.sent("runFunction"), []);
      panel.type("#args", '{"title": "ok"}');
      panel.click("#run");
      assert.equal(panel.sent("runFunction").length, 1);
      assert.ok(panel.get("#run-error").hidden, "the message goes once the arguments are fine");
    },
    { state: readyState() },
  ));

test("a result: pretty JSON, duration, and the log lines of every execution", () =>
  withFunctionsPanel(
    async (panel) => {
      const executions: ExecutionView[] = [
        {
          id: "e1",
          parentId: null,
          udfType: "action",
          identifier: "admin/users:remove",
          outcome: "success",
          durationMs: 30,
          status: null,
          error: null,
          lines: [{ level: "LOG", message: "'removing' 'ada'", timestamp: at }],
        },
        {
          id: "e2",
          parentId: "e1",
          udfType: "mutation",
          identifier: "admin/users:delete",
          outcome: "success",
          durationMs: 4,
          status: null,
          error: null,
          lines: [{ level: "WARN", message: "'gone'", timestamp: at + 1 }],
        },
      ];
      panel.responders.runFunction = runResult({
        name: "admin/users:remove",
        result: '{\n  "removed": 1\n}',
        durationMs: 31.6,
        executions,
      });
      panel.click('[data-function="admin/users:remove"] .function-select');
      panel.click("#run");
      await panel.settle();
      assert.equal(panel.text("#result-outcome"), "Success");
      assert.equal(panel.text("#result"), '{\n  "removed": 1\n}');
      assert.equal(panel.text("#result-duration"), "32 ms");
      assert.deepEqual(
        panel.all("#run-result .execution").map((e) => e.dataset.executionId),
        ["e1", "e2"],
      );
      assert.deepEqual(
        panel.all("#run-result .log-line .log-message").map((m) => m.textContent),
        ["'removing' 'ada'", "'gone'"],
      );
      assert.equal(panel.find("#result-error"), null);
    },
    { state: readyState() },
  ));

test("a failure shows the error as Convex shows it, and a ConvexError's data", () =>
  withFunctionsPanel(
    async (panel) => {
      const error =
        "[Request ID: req2] Server Error\nArgumentValidationError: Value does not match validator.\nPath: .title\nValue: 1.0\nValidator: v.string()\n";
      panel.responders.runFunction = runResult({ requestId: "req2", outcome: "failure", result: null, error });
      panel.click('[data-function="tasks:add"] .function-select');
      panel.click("#run");
      await panel.settle();
      assert.equal(panel.text("#result-outcome"), "Failure");
      assert.equal(panel.text("#result-error"), error);
      assert.equal(panel.find("#result"), null);

      panel.responders.runFunction = runResult({
        requestId: "req3",
        outcome: "failure",
        result: null,
        error: "Uncaught ConvexError: refused",
        errorData: '{\n  "code": "refused"\n}',
      });
      panel.click("#run");
      await panel.settle();
      assert.equal(panel.text("#result-error-data"), '{\n  "code": "refused"\n}');
    },
    { state: readyState() },
  ));

test("a host call that fails shows why under the Run button", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.responders.runFunction = new Error("The Convex Lens runtime is stopped. Run 'Convex Lens: Start runtime'.");
      panel.click('[data-function="tasks:list"] .function-select');
      panel.click("#run");
      await panel.settle();
      assert.match(panel.text("#run-error")!, /^The run failed: The Convex Lens runtime is stopped/);
      assert.equal(panel.get("#run").hasAttribute("disabled"), false);
    },
    { state: readyState() },
  ));

test("the panel scrolls to the runner when a function is picked, and to the result (or the error) after Run", () =>
  withFunctionsPanel(
    async (panel) => {
      // Which elements the panel asked the page to scroll into view, in order.
      const revealed: string[] = [];
      const proto = panel.window.HTMLElement.prototype as unknown as { scrollIntoView(options?: unknown): void };
      proto.scrollIntoView = function (this: HTMLElement, options?: unknown) {
        assert.deepEqual(options, { block: "nearest", inline: "nearest" }, "the least scrolling that shows it");
        revealed.push(this.id || this.className);
      };
      panel.click('[data-function="tasks:add"] .function-select');
      assert.deepEqual(revealed, ["runner-head"]);
      assert.ok(panel.get("#runner .runner-head").contains(panel.get("#selected-function")));

      panel.click("#run");
      const [request] = panel.sent("runFunction");
      assert.deepEqual(revealed, ["runner-head"], "nothing to show while it runs");
      panel.reply(request!.id, runResult());
      await panel.settle();
      assert.deepEqual(revealed, ["runner-head", "run-result"]);
      // The result sits right under the Run button, inside the runner (not below the list).
      const actions = panel.get("#run").parentElement!;
      assert.ok(panel.get("#runner").contains(panel.get("#run-result")));
      assert.equal(actions.nextElementSibling, panel.get("#run-error"));
      assert.ok(panel.get("#run-error").nextElementSibling!.contains(panel.get("#run-result")));

      panel.type("#args", "{");
      panel.click("#run");
      assert.deepEqual(revealed, ["runner-head", "run-result", "run-error"], "an argument error is shown, not the old result");
      panel.type("#args", "{}");
      panel.responders.runFunction = new Error("stopped");
      panel.click("#run");
      await panel.settle();
      assert.match(panel.text("#run-error")!, /The run failed: stopped/);
      assert.deepEqual(revealed, ["runner-head", "run-result", "run-error", "run-error"]);
    },
    { state: readyState() },
  ));

test("the filter narrows functions and routes; a route opens the response panel", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.type("#function-filter", "ADD");
      assert.deepEqual(
        panel.all(".function-row").map((r) => r.dataset.function),
        ["tasks:add"],
      );
      assert.equal(panel.all(".route-row").length, 0);
      panel.type("#function-filter", "/items");
      assert.deepEqual(
        panel.all(".route-row").map((r) => r.dataset.route),
        ["POST /items/*"],
      );
      panel.type("#function-filter", "nothing like it");
      assert.match(panel.text("#function-list")!, /No function matches/);
      panel.type("#function-filter", "");
      panel.click('[data-route="POST /items/*"] .route-open');
      assert.deepEqual(
        panel.sent("openRoute").map((r) => r.route),
        ["POST /items/*"],
      );
    },
    { state: readyState() },
  ));

test("new stats do not disturb the arguments being typed", () =>
  withFunctionsPanel(
    (panel) => {
      panel.click('[data-function="tasks:add"] .function-select');
      const args = panel.get("#args");
      panel.type(args, '{"title": "half-typed');
      panel.show(
        readyState({ functions: readyState().functions.map((f) => (f.name === "tasks:add" ? { ...f, stats: stats(4, 0, 11, 19) } : f)) }),
      );
      assert.equal(panel.get("#args"), args, "the same field, not a new one");
      assert.equal((panel.get("#args") as HTMLElement & { value: string }).value, '{"title": "half-typed');
      assert.equal(panel.get('[data-function="tasks:add"] .stat-calls').textContent, "4");
    },
    { state: readyState() },
  ));

test("the selection, arguments and last result come back after the panel was hidden; the token does not", async () => {
  const api = new VsCodeApiFake();
  const first = openFunctionsPanel({ api, state: readyState(), responders: { runFunction: runResult({ result: '"kept"' }) } });
  first.click('[data-function="tasks:add"] .function-select');
  first.type("#args", '{"title": "kept"}');
  first.type("#authorization", "Bearer secret-token");
  first.click("#run");
  await first.settle();
  await first.close();
  assert.doesNotMatch(JSON.stringify(api.state), /secret-token/);

  const second = openFunctionsPanel({ api: new VsCodeApiFake(api.state) });
  try {
    assert.equal(second.text("#selected-function"), "tasks:add");
    assert.equal((second.get("#args") as HTMLElement & { value: string }).value, '{"title": "kept"}');
    assert.equal((second.get("#authorization") as HTMLElement & { value: string }).value, "");
    assert.equal(second.text("#result"), '"kept"');
  } finally {
    await second.close();
  }
});

test("hostile names, results, errors and log lines are shown as text, never parsed as markup", () =>
  withFunctionsPanel(
    async (panel) => {
      panel.show(readyState({ functions: [fn(`${hostile}:${hostile}`, { args: hostile })], routes: [route("GET", `/${hostile}`)] }));
      panel.click(".function-select");
      assert.equal(panel.text("#selected-function"), `${hostile}:${hostile}`);
      assert.equal(panel.text("#args-validator"), hostile);
      panel.responders.runFunction = runResult({
        name: `${hostile}:${hostile}`,
        outcome: "failure",
        result: null,
        error: hostile,
        errorData: hostile,
        executions: [
          {
            id: "e1",
            parentId: null,
            udfType: "query",
            identifier: hostile,
            outcome: "failure",
            durationMs: 1,
            status: null,
            error: hostile,
            lines: [{ level: "LOG", message: hostile, timestamp: at }],
          },
        ],
      });
      panel.click("#run");
      await panel.settle();
      assert.equal(panel.text("#result-error"), hostile);
      assert.equal(panel.text("#result-error-data"), hostile);
      assert.equal(panel.all("img").length, 0, "no element was made from the text");
      assert.equal(panel.get(".module").dataset.module, hostile);
      assert.equal(panel.get(".route-row").dataset.route, `GET /${hostile}`);
    },
    { state: readyState() },
  ));

test("a malformed state from the host is reported instead of rendered", () =>
  withFunctionsPanel((panel) => {
    panel.host({ type: "functionsState", state: { runtime: { kind: "ready" }, functions: "nope", routes: [] } as never });
    assert.match(panel.text("#action-error")!, /cannot show/);
    assert.equal(panel.all(".function-row").length, 0);
  }));

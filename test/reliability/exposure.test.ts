// What the runtime and the extension expose: both origins listen on loopback only (the child's own
// sockets, read from /proc, and a connection attempt on the machine's other addresses); the
// webviews' HTML carries a strict CSP and scripts are enabled only with it; in an untrusted
// workspace the extension runs no project code at all; SQL in the log store and in the document
// store takes hostile text as data.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect, type Server as NetServer } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createRequire } from "node:module";
import { REPO } from "../helpers/cli-process";
import { LogStore } from "../../runtime/logs/log-store";
import { createFakeVscode, installFakeVscode, type FakeVscodeState } from "./fake-vscode";
import { recordFigures, Tally } from "./figures";
import { callApi, copyFixture, poll, startServe, valueOfCall } from "./support";

const nodeRequire = createRequire(__filename);
const net = nodeRequire("node:net") as typeof import("node:net");
const workerThreads = nodeRequire("node:worker_threads") as { Worker: typeof import("node:worker_threads").Worker };
const tally = new Tally();
const cleanups: Array<() => unknown> = [];

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await recordFigures("exposure", {
    title: "loopback only, strict CSP, no project code in untrusted workspaces, parameterized SQL",
    tally,
  });
});

interface ListeningSocket {
  address: string;
  port: number;
  inode: string;
}

/** LISTEN sockets in /proc/net/tcp and tcp6, with their local address in readable form. */
function listeningSockets(): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== "0A") continue; // 0A: LISTEN
      const [hexAddress, hexPort] = fields[1]!.split(":") as [string, string];
      sockets.push({ address: readableAddress(hexAddress), port: parseInt(hexPort, 16), inode: fields[9]! });
    }
  }
  return sockets;
}

function readableAddress(hex: string): string {
  if (hex.length === 8) return Buffer.from(hex, "hex").reverse().join(".");
  // IPv6: four little-endian 32-bit words.
  const words = hex.match(/.{8}/g)!.map((word) => Buffer.from(word, "hex").reverse().toString("hex"));
  const full = words.join("");
  if (full === "00000000000000000000000000000001") return "::1";
  if (full.startsWith("00000000000000000000ffff")) return `::ffff:${Buffer.from(full.slice(24), "hex").join(".")}`;
  return full.match(/.{4}/g)!.join(":");
}

/** Socket inodes a process holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // Closed meanwhile.
    }
  }
  return inodes;
}

describe("both origins listen on loopback only", () => {
  test("every listening socket of `convex-lens serve` is bound to 127.0.0.1", async (t) => {
    if (!existsSync("/proc/net/tcp")) return t.skip("no /proc/net/tcp on this system");
    const project = copyFixture("faults-app");
    const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-exposure-"));
    const child = await startServe(project, dataDir);
    cleanups.push(
      () => rmSync(project, { recursive: true, force: true }),
      () => rmSync(dataDir, { recursive: true, force: true }),
    );
    try {
      const own = socketInodes(child.pid);
      const listening = listeningSockets().filter((socket) => own.has(socket.inode));
      assert.deepEqual(
        listening.map((s) => s.port).sort((a, b) => a - b),
        [child.sitePort, child.apiPort].sort((a, b) => a - b),
        "the two origins, and nothing else, listen",
      );
      for (const socket of listening) assert.equal(socket.address, "127.0.0.1", `port ${socket.port} listens on ${socket.address}`);
      tally.notes.push(
        `serve listens on exactly ${listening.map((s) => `${s.address}:${s.port === child.sitePort ? "site" : "api"}`).join(" and ")} (from /proc/net/tcp and the child's file descriptors)`,
      );

      // From the outside: every other address of this machine refuses both ports.
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((info): info is NonNullable<typeof info> => !!info && !info.internal && info.family === "IPv4")
        .map((info) => info.address);
      for (const address of others) {
        for (const port of [child.sitePort, child.apiPort]) {
          tally.requestsSent++;
          const outcome = await new Promise<string>((resolve) => {
            const socket = connect({ host: address, port }, () => {
              socket.destroy();
              resolve("connected");
            });
            socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
          });
          assert.equal(outcome, "ECONNREFUSED", `${address}:${port}`);
        }
      }
      tally.notes.push(
        others.length > 0
          ? `connections to the machine's other addresses (${others.join(", ")}) on both ports: refused`
          : "this machine has no non-loopback IPv4 address to try a connection from",
      );
      assert.equal(await (await fetch(`${child.site}/healthy`)).text(), "healthy");
    } finally {
      await child.stop();
    }
  });
});

// --- webviews ---------------------------------------------------------------------------------

const extensionState: FakeVscodeState = {
  isTrusted: false,
  workspaceFolders: [],
  settings: {},
  extensionPath: REPO,
  commands: new Map(),
  messages: [],
};
const fake = createFakeVscode(extensionState);
cleanups.push(installFakeVscode(fake.module));

function cspOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(content, "the page has a CSP meta tag");
  const directives = new Map<string, string[]>();
  for (const part of content!.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name, values);
  }
  return directives;
}

describe("webview HTML: a strict CSP, scripts only with it", () => {
  const webview = {
    cspSource: "https://file+.vscode-resource.vscode-cdn.net",
    asWebviewUri: (u: { fsPath: string }) => `https://file+.vscode-resource.vscode-cdn.net${u.fsPath}`,
  };

  test("the panels' page: default-src 'none', one nonce-bound script, the extension's bundle, nothing eval'd; page data escaped", async () => {
    const { webviewHtml, webviewOptions } = await import("../../extension/panels/webview-html");
    const hostileTitle = `Response: GET /x"></title><script>alert(1)</script>`;
    const first = webviewHtml(webview as never, fake.module.Uri.file(REPO), "response", hostileTitle);
    const second = webviewHtml(webview as never, fake.module.Uri.file(REPO), "response", hostileTitle);
    const csp = cspOf(first);
    tally.inputsTried += 2;
    assert.deepEqual(csp.get("default-src"), ["'none'"]);
    const scriptSrc = csp.get("script-src");
    assert.ok(scriptSrc && scriptSrc.length === 1 && /^'nonce-[A-Za-z0-9+/=]{22,}'$/.test(scriptSrc[0]!), `script-src ${scriptSrc}`);
    for (const [name, values] of csp) {
      for (const value of values) {
        assert.ok(!["'unsafe-eval'", "*", "http:", "https:", "'unsafe-hashes'"].includes(value), `${name} allows ${value}`);
        if (name === "script-src") assert.notEqual(value, "'unsafe-inline'");
      }
    }
    for (const fetching of ["connect-src", "frame-src", "child-src", "worker-src", "object-src", "form-action"]) {
      assert.ok(!csp.has(fetching), `${fetching} is left to default-src 'none'`);
    }
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc![0]!)![1]!;
    assert.notEqual(nonce, /'nonce-([^']+)'/.exec(cspOf(second).get("script-src")![0]!)![1], "a fresh nonce for each page");
    const scripts = [...first.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [`<script nonce="${nonce}">`], "one script element, bound to the nonce");
    // Its text is the built bundle (inlined: no resource load before the first paint), whole.
    const inlined = /<script nonce="[^"]+">([\s\S]*)<\/script>\n<\/body>/.exec(first)?.[1];
    const bundle = readFileSync(join(REPO, "dist", "webview.js"), "utf8");
    assert.equal(
      inlined,
      bundle.replace(
        /\/\/# sourceMappingURL=webview\.js\.map\s*$/,
        `//# sourceMappingURL=https://file+.vscode-resource.vscode-cdn.net${join(REPO, "dist", "webview.js.map")}\n`,
      ),
    );
    assert.doesNotMatch(bundle, /<\/?script/i, "nothing in the bundle ends its element early");
    assert.ok(!first.includes("<script>alert(1)</script>") && first.includes("&lt;script&gt;"), "the title is escaped");
    // Host messages written into the page (the response panel's first state) are escaped JSON in an attribute.
    const hostile = `"></body><script>alert(1)</script><body x="`;
    const state = {
      kind: "error" as const,
      request: { method: "GET", routePath: "/x", pathRest: "", query: "", headers: [], body: hostile },
      target: "t",
      message: `&amp; ${hostile}`,
    };
    const withState = webviewHtml(webview as never, fake.module.Uri.file(REPO), "response", "t", [{ type: "state", state }]);
    tally.inputsTried++;
    assert.equal([...withState.matchAll(/<script\b[^>]*>/g)].length, 1, "no script element from the data");
    const attribute = /<body data-panel="response" data-messages="([^"]*)">/.exec(withState)?.[1];
    assert.ok(attribute, "the messages are one attribute of <body>");
    const decoded = attribute!.replace(/&(lt|gt|quot|amp);/g, (_, name: string) => ({ lt: "<", gt: ">", quot: '"', amp: "&" })[name]!);
    assert.deepEqual(JSON.parse(decoded), [{ type: "state", state }]);
    const options = webviewOptions(fake.module.Uri.file(REPO));
    assert.equal(options.enableScripts, true);
    assert.deepEqual(
      (options.localResourceRoots ?? []).map((u: { fsPath: string }) => u.fsPath),
      [join(REPO, "dist")],
      "scripts load only from the extension's dist folder",
    );
  });

  test("pages without scripts (reports) allow none", async () => {
    const panels = (await import("../../extension/panels/webview-html")) as Record<string, unknown>;
    if (typeof panels.reportHtml !== "function") return;
    const html = (panels.reportHtml as (w: unknown, title: string, body: string) => string)(
      webview,
      "Report <b>",
      "<p>body</p><script>alert(1)</script>",
    );
    const csp = cspOf(html);
    tally.inputsTried++;
    assert.deepEqual(csp.get("default-src"), ["'none'"]);
    assert.ok(!csp.has("script-src"), "no script source at all: the body's <script> cannot run");
  });

  test("every webview the extension creates gets its HTML from these builders, and scripts only through webviewOptions", () => {
    const sources = listFiles(join(REPO, "extension")).filter((file) => file.endsWith(".ts"));
    const problems: string[] = [];
    for (const file of sources) {
      const text = readFileSync(file, "utf8");
      const name = relative(REPO, file);
      for (const match of text.matchAll(/\.webview\.html\s*=\s*([A-Za-z_$][\w$]*)\(/g)) {
        if (!["webviewHtml", "reportHtml"].includes(match[1]!)) problems.push(`${name}: webview.html set by ${match[1]}()`);
      }
      for (const match of text.matchAll(/\.webview\.html\s*=\s*[`'"]/g))
        problems.push(`${name}: webview.html set to a literal at ${match.index}`);
      if (/enableScripts:\s*true/.test(text) && !name.endsWith("webview-html.ts"))
        problems.push(`${name}: enableScripts: true outside webviewOptions`);
      for (const match of text.matchAll(/createWebviewPanel\(([^;]*?)\);/gs)) {
        const call = match[1]!;
        if (!/webviewOptions\(/.test(call) && !/enableScripts:\s*false/.test(call))
          problems.push(`${name}: a webview panel with options other than webviewOptions() or enableScripts: false`);
      }
      for (const match of text.matchAll(/\.webview\.options\s*=\s*([^;]+);/g)) {
        if (!/^webviewOptions\(/.test(match[1]!.trim()) && !/enableScripts:\s*false/.test(match[1]!))
          problems.push(`${name}: webview.options = ${match[1]}`);
      }
    }
    assert.deepEqual(problems, []);
    tally.notes.push(
      `webviews: ${sources.length} extension sources checked; every webview's HTML comes from webviewHtml/reportHtml (CSP default-src 'none', script-src nonce only)`,
    );
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

// --- untrusted workspaces ---------------------------------------------------------------------

describe("an untrusted workspace runs no project code", () => {
  test("activate(), then every command: no worker thread, no server, no module of the project loaded", async () => {
    const project = copyFixture("faults-app");
    cleanups.push(() => rmSync(project, { recursive: true, force: true }));
    const marker = join(project, "user-code-ran.txt");
    // A module whose mere loading leaves a mark: it runs only if the runtime loads the project.
    writeFileSync(
      join(project, "convex", "marker.ts"),
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "loaded");\nexport const x = 1;\n`,
    );
    extensionState.workspaceFolders = [project];
    extensionState.settings = { "convexLens.sitePort": 0, "convexLens.apiPort": 0, "convexLens.autoStart": true };

    // Count what starting the runtime would do first, synchronously: listen, and spawn a worker.
    let listens = 0;
    let workers = 0;
    const originalListen = net.Server.prototype.listen;
    net.Server.prototype.listen = function (this: NetServer, ...args: unknown[]) {
      listens++;
      return (originalListen as (...a: unknown[]) => NetServer).apply(this, args);
    } as typeof originalListen;
    const WorkerBefore = workerThreads.Worker;
    const workerCounter = new Proxy(WorkerBefore, {
      construct(target, args) {
        workers++;
        return Reflect.construct(target, args);
      },
    });
    workerThreads.Worker = workerCounter;
    const restore = () => {
      net.Server.prototype.listen = originalListen;
      workerThreads.Worker = WorkerBefore;
    };
    const extension = await import("../../extension/main");
    try {
      extensionState.isTrusted = false;
      extensionState.commands.clear();
      await extension.activate(fake.context);
      const commands = [...extensionState.commands.keys()];
      assert.ok(commands.includes("convexLens.start"), `commands registered: ${commands.join(", ")}`);
      for (const id of commands) {
        tally.inputsTried++;
        try {
          await extensionState.commands.get(id)!();
        } catch {
          // Commands called without their arguments may refuse; what matters is what they start.
        }
      }
      const loaded = existsSync(marker);
      tally.notes.push(
        `untrusted workspace: activate() and all ${commands.length} commands ran; ${listens} servers, ${workers} worker threads, the project's modules ${loaded ? "loaded" : "never loaded"}`,
      );
      assert.equal(listens, 0, "no server listened");
      assert.equal(workers, 0, "no worker thread was created");
      assert.equal(loaded, false, "no module of the project was loaded");
      assert.ok(
        extensionState.messages.some((m) => /only in a trusted workspace/.test(m)),
        `told why: ${extensionState.messages.join(" | ")}`,
      );
    } finally {
      await extension.deactivate();
      for (const disposable of fake.context.subscriptions.splice(0)) disposable.dispose();
    }

    // The control: the same project in a trusted workspace does run (so the check above can fail).
    try {
      extensionState.isTrusted = true;
      await extension.activate(fake.context);
      await poll(() => (existsSync(marker) ? true : undefined), "the project's modules to load in a trusted workspace", 600);
      assert.ok(listens >= 2 && workers >= 1, `trusted: ${listens} listens, ${workers} workers`);
    } finally {
      await extension.deactivate();
      for (const disposable of fake.context.subscriptions.splice(0)) disposable.dispose();
      restore();
    }
  });

  test("the extension starts the runtime in one place only, behind the trust check", () => {
    const sources = listFiles(join(REPO, "extension")).filter((file) => file.endsWith(".ts"));
    const starters = sources.filter((file) => /\bstartServing\b|\bRuntime\.open\b|new WorkerPool\b/.test(readFileSync(file, "utf8")));
    assert.deepEqual(
      starters.map((f) => relative(REPO, f)),
      [join("extension", "runtime-session.ts")],
    );
    const constructing = sources.filter((file) => /new RuntimeSession\(/.test(readFileSync(file, "utf8")));
    assert.deepEqual(
      constructing.map((f) => relative(REPO, f)),
      [join("extension", "main.ts")],
    );
    assert.match(readFileSync(join(REPO, "extension", "main.ts"), "utf8"), /isTrusted[\s\S]{0,200}\?\s*new RuntimeSession\(/);
  });
});

// --- SQL -----------------------------------------------------------------------------------------

const HOSTILE = [
  "'; DROP TABLE log_lines; --",
  '" OR 1=1 --',
  "x' UNION SELECT sql FROM sqlite_master --",
  "%",
  "_",
  "\\",
  "'",
  "\u0000",
  "); DELETE FROM documents; (",
  "*/ DROP TABLE documents; /*",
];

describe("SQL takes hostile text as data", () => {
  test("log store: every query with hostile filters finds only what matches literally", async () => {
    const store = await LogStore.open();
    try {
      store.recordExecution({
        execId: "e1",
        requestId: "r1",
        parentId: null,
        udfType: "query",
        identifier: "m:f",
        caller: "api",
        startedAt: 1,
      });
      // NUL is left out here: sql.js binds strings as C strings, so "\u0000" searches for "" (all).
      const texts = HOSTILE.filter((text) => !text.includes("\u0000"));
      store.appendLines(
        "e1",
        "r1",
        texts.map((text, i) => ({ messages: [text], level: "LOG", timestamp: i, isTruncated: false })),
      );
      for (const text of texts) {
        tally.inputsTried++;
        assert.deepEqual(
          store
            .queryLines({ limit: 50, text })
            .map((l) => l.message)
            .filter((m) => m !== text && !m.includes(text)),
          [],
        );
        assert.deepEqual(store.queryLines({ limit: 50, identifier: text }), []);
        assert.deepEqual(store.queryLines({ limit: 50, requestId: text }), []);
        assert.deepEqual(store.queryLines({ limit: 50, executionId: text }), []);
        assert.deepEqual(store.listExecutions({ requestId: text }), []);
        assert.equal(store.getExecution(text), undefined);
      }
      assert.equal(store.queryLines({ limit: 100 }).length, texts.length, "nothing was dropped or added");
    } finally {
      await store.close();
    }
  });

  test("the logs panel's queries (pages, tails, request traces, stats): hostile filters are data", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: every exported query is called with hostile filters, whatever its signature.
    const queries = (await import("../../runtime/logs/log-queries")) as Record<string, any>;
    // biome-ignore lint/suspicious/noExplicitAny: likewise every method of the store.
    const store = (await LogStore.open()) as LogStore & Record<string, any>;
    try {
      const texts = HOSTILE.filter((text) => !text.includes("\u0000"));
      store.recordExecution({
        execId: "e1",
        requestId: "r1",
        parentId: null,
        udfType: "query",
        identifier: "m:f",
        caller: "api",
        startedAt: 1,
      });
      store.appendLines(
        "e1",
        "r1",
        texts.map((text, i) => ({ messages: [text], level: "LOG", timestamp: i, isTruncated: false })),
      );
      store.finishExecution({ execId: "e1", durationMs: 5, outcome: "failure", status: null, error: { message: HOSTILE[0]! } });
      const tried: string[] = [];
      for (const text of texts) {
        const hostileFilters = [{ text }, { identifier: text }, { requestId: text }, { kinds: [text] }, { levels: [text] }];
        for (const filter of hostileFilters) {
          tally.inputsTried++;
          if (typeof queries.pageRows === "function") {
            const page = queries.pageRows(store, { filter, limit: 100 }) as { rows: Array<{ kind: string; message?: string }> };
            const lines = page.rows.filter((row) => row.kind === "line").map((row) => row.message!);
            if ("text" in filter)
              assert.ok(
                lines.every((m) => m.includes(text)),
                `text ${JSON.stringify(text)}: ${JSON.stringify(lines)}`,
              );
            else assert.deepEqual(lines, [], JSON.stringify(filter));
            tried.push("pageRows");
          }
          if (typeof queries.linesBetween === "function") {
            const lines = queries.linesBetween(store, filter, 0, 1e9, 100) as Array<{ message: string }>;
            if ("text" in filter) assert.ok(lines.every((l) => l.message.includes(text)));
            else assert.deepEqual(lines, []);
            tried.push("linesBetween");
          }
          if (typeof queries.finishedExecutions === "function") {
            assert.deepEqual(queries.finishedExecutions(store, filter, [text]), []);
            tried.push("finishedExecutions");
          }
        }
        if (typeof queries.requestTrace === "function") {
          const trace = queries.requestTrace(store, text) as Record<string, unknown[]>;
          assert.ok(
            Object.values(trace).every((value) => !Array.isArray(value) || value.length === 0),
            JSON.stringify(trace),
          );
          tried.push("requestTrace");
        }
        if (typeof store.executionStats === "function") {
          store.executionStats({ identifier: text, udfType: text, since: text } as never);
          tried.push("executionStats");
        }
      }
      assert.equal(store.queryLines({ limit: 100 }).length, texts.length, "nothing was dropped or added");
      assert.equal(store.listExecutions().length, 1);
      if (typeof store.select === "function") {
        for (const statement of ["DELETE FROM log_lines", "DROP TABLE executions", "UPDATE log_lines SET message = 'x'"]) {
          tally.inputsTried++;
          assert.throws(() => store.select(statement), /SELECT statements only/);
        }
      }
      tally.notes.push(`log panel queries tried with hostile filters: ${[...new Set(tried)].join(", ") || "none present"}`);
    } finally {
      await store.close();
    }
  });

  test("the document store: hostile strings as values, index keys and filter operands, through the function API", async () => {
    const project = copyFixture("faults-app");
    const dataDir = mkdtempSync(join(tmpdir(), "convex-lens-sql-"));
    const child = await startServe(project, dataDir);
    cleanups.push(
      () => rmSync(project, { recursive: true, force: true }),
      () => rmSync(dataDir, { recursive: true, force: true }),
    );
    try {
      for (const text of HOSTILE) {
        tally.inputsTried++;
        tally.requestsSent += 2;
        await valueOfCall(child.api, "mutation", "writes:addNote", { text, tag: text });
      }
      for (const text of HOSTILE) {
        tally.requestsSent++;
        const found = await valueOfCall<{ byTag: string[]; byFilter: string[]; total: number }>(child.api, "query", "writes:findNotes", {
          text,
        });
        assert.deepEqual(found, { byTag: [text], byFilter: [text], total: HOSTILE.length }, JSON.stringify(text));
      }
      // Hostile text where the API expects names: refused as input, nothing runs.
      for (const path of ["writes:all'; DROP TABLE documents; --", "'; --:x", "writes:findNotes\u0000"]) {
        tally.inputsTried++;
        tally.requestsSent++;
        const outcome = await callApi(child.api, "query", path);
        assert.equal(outcome.status, "error");
        assert.match(outcome.errorMessage!, /Could not find public function/);
      }
      assert.equal((await valueOfCall<unknown[]>(child.api, "query", "writes:all")).length, 0);
    } finally {
      await child.stop();
    }
  });
});

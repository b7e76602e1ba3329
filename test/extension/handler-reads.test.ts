// What a handler reads from its request, found in its source: query parameters, headers and the
// body, through aliases, helpers and imports, with example values where the code tells one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findRouteSources, type RequestReads } from "../../runtime/routes/route-source";

function readsOf(files: Record<string, string>, key = "GET /r"): RequestReads | null | undefined {
  const { routes, problems } = findRouteSources("/p/convex/http.ts", (path) => files[path] ?? null);
  assert.deepEqual(problems, []);
  const route = routes.find((r) => `${r.method} ${r.path}` === key);
  assert.ok(route, `no route ${key} in ${routes.map((r) => `${r.method} ${r.path}`).join(", ")}`);
  return route.reads;
}

const http = (handler: string, extra = "") => `import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";
${extra}
const http = httpRouter();
http.route({ path: "/r", method: "GET", handler: httpAction(${handler}) });
http.route({ path: "/r", method: "POST", handler: httpAction(${handler}) });
export default http;
`;

const query = (reads: RequestReads | null | undefined) => reads?.query.map((read) => [read.name, read.multiple, read.example]);
const headers = (reads: RequestReads | null | undefined) => reads?.headers.map((read) => [read.name, read.example]);

test("query parameters: get and getAll on searchParams, however it is reached", () => {
  const reads = readsOf({
    "/p/convex/http.ts": http(`async (ctx, request) => {
      const url = new URL(request.url);
      const author = url.searchParams.get("author");
      const { searchParams } = new URL(request.url);
      const tags = searchParams.getAll("tag");
      const params = url.searchParams;
      const page = params.get("page") ?? "1";
      const q = new URLSearchParams(url.search).get("q");
      const again = url.searchParams.getAll("author");
      return Response.json({ author, tags, page, q, again });
    }`),
  });
  assert.deepEqual(query(reads), [
    ["author", true, null],
    ["tag", true, null],
    ["page", false, null],
    ["q", false, null],
  ]);
  assert.deepEqual(reads?.headers, []);
  assert.equal(reads?.body, null);
});

test("examples come from how the value is used: a comparison, a switch, a number", () => {
  const reads = readsOf({
    "/p/convex/http.ts": http(`async (ctx, request) => {
      const params = new URL(request.url).searchParams;
      const order = params.get("order");
      if (order !== "desc") throw new Error("asc is not supported");
      const limit = Number(params.get("limit") ?? 10);
      const offset = parseInt(params.get("offset")!, 10);
      const page = +params.get("page")!;
      switch (params.get("format")) {
        case "csv": return new Response("a,b");
        case "json": return Response.json([]);
      }
      if (request.headers.get("x-mode") === "strict") return new Response("strict");
      return new Response(String(limit + offset + page));
    }`),
  });
  assert.deepEqual(query(reads), [
    ["order", false, "desc"],
    ["limit", false, "1"],
    ["offset", false, "1"],
    ["page", false, "1"],
    ["format", false, "csv"],
  ]);
  assert.deepEqual(headers(reads), [["x-mode", "strict"]]);
});

test("headers of the request only, also through `const { headers } = request`; names are case-insensitive", () => {
  const reads = readsOf({
    "/p/convex/http.ts": http(`async (ctx, req) => {
      const { headers } = req;
      const signature = headers.get("Stripe-Signature");
      const again = req.headers.get("stripe-signature");
      const upstream = await fetch("https://example.com");
      const etag = upstream.headers.get("etag");
      return new Response(String(signature) + again + etag);
    }`),
  });
  assert.deepEqual(headers(reads), [["Stripe-Signature", null]]);
});

test("helpers of the module and imported ones, with the names they are passed; module-level constants", () => {
  const reads = readsOf({
    "/p/convex/http.ts": http(
      `async (ctx, request) => {
      const url = new URL(request.url);
      const room = param(url, "room");
      const user = requireUser(request);
      const limit = url.searchParams.get(LIMIT);
      return Response.json({ room, user, limit });
    }`,
      `import { requireUser } from "./auth";
const LIMIT = "limit";
function param(url: URL, name: string) {
  return url.searchParams.get(name);
}`,
    ),
    "/p/convex/auth.ts": `export function requireUser(request: Request) {
  const key = request.headers.get("x-api-key");
  if (!key) throw new Error("no key");
  return readBody(request);
}
export const readBody = async (r: Request) => (await r.formData()).get("user");
`,
  });
  assert.deepEqual(query(reads), [
    ["room", false, null],
    ["limit", false, null],
  ]);
  assert.deepEqual(headers(reads), [["x-api-key", null]]);
  assert.deepEqual(reads?.body, { kind: "form", fields: [{ name: "user", multiple: false, example: null }] });
});

test("a handler passed by name from another module is read in that module", () => {
  const reads = readsOf({
    "/p/convex/http.ts": `import { httpRouter } from "convex/server";
import { byAuthor } from "./handlers";
const http = httpRouter();
http.route({ path: "/r", method: "GET", handler: byAuthor });
export default http;
`,
    "/p/convex/handlers.ts": `import { httpAction } from "./_generated/server";
const AUTHOR = "authorNumber";
export const byAuthor = httpAction(async (_ctx, request) => {
  const n = new URL(request.url).searchParams.get(AUTHOR);
  return new Response(n);
});
`,
  });
  assert.deepEqual(query(reads), [["authorNumber", false, null]]);
});

test("bodies: the first way the handler reads it; form fields; text handed to JSON.parse", () => {
  const body = (handler: string) => readsOf({ "/p/convex/http.ts": http(handler) }, "POST /r")?.body;
  assert.deepEqual(body(`async (_c, r) => { const { a } = await r.json(); return new Response(a); }`), { kind: "json" });
  assert.deepEqual(
    body(`async (_c, r) => { const form = await r.formData(); return new Response(String(form.get("name")) + form.getAll("tags")); }`),
    {
      kind: "form",
      fields: [
        { name: "name", multiple: false, example: null },
        { name: "tags", multiple: true, example: null },
      ],
    },
  );
  assert.deepEqual(body(`async (_c, r) => new Response(await r.text())`), { kind: "text", json: false });
  assert.deepEqual(body(`async (_c, r) => { const raw = await r.text(); verify(raw); return Response.json(JSON.parse(raw)); }`), {
    kind: "text",
    json: true,
  });
  assert.deepEqual(body(`async (_c, r) => new Response(String((await r.arrayBuffer()).byteLength))`), { kind: "binary" });
  assert.equal(body(`async () => new Response("no body read")`), null);
});

test("a handler that is not a function we can see has no reads", () => {
  const { routes } = findRouteSources(
    "/p/convex/http.ts",
    (path) =>
      ({
        "/p/convex/http.ts": `import { httpRouter } from "convex/server";
import { made } from "some-package";
const http = httpRouter();
http.route({ path: "/r", method: "GET", handler: made });
export default http;
`,
      })[path] ?? null,
  );
  assert.equal(routes[0]!.reads, null);
});

// Full-text search through the real executor: a project's `withSearchIndex` queries, as the
// `convex` package sends them, ranked and paginated as on Convex.
import assert from "node:assert/strict";
import { test } from "node:test";
import { serveFixture } from "../helpers/serve-fixture";

test("withSearchIndex through the runtime: ranked results, filters, take, paginate, the backend's errors", async () => {
  const server = await serveFixture("search-app");
  try {
    const run = (name: string, args: Record<string, unknown>, udfType: "query" | "mutation" = "query") =>
      server.runtime.runFunction(`messages:${name}`, args as never, { udfType });
    const added = await run(
      "add",
      {
        messages: [
          { body: "hello hi", channel: "general" },
          { body: "hi there, how are you", channel: "general" },
          { body: "hi hi hi", channel: "random" },
          { body: "history of the world", channel: "general" },
          { body: "nothing to see", channel: "general" },
        ],
      },
      "mutation",
    );
    assert.equal(added.ok, true);
    const ranked = ["hi hi hi", "hello hi", "history of the world", "hi there, how are you"];
    assert.deepEqual(await run("search", { text: "hi" }), { ok: true, value: ranked, logLines: [] });
    const two = await run("search", { text: "HI", take: 2 });
    assert.deepEqual(two.ok && two.value, ranked.slice(0, 2));
    const general = await run("search", { text: "hi", channel: "general" });
    assert.deepEqual(general.ok && general.value, ["hello hi", "history of the world", "hi there, how are you"]);
    const pages: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const outcome = await run("page", { text: "hi", paginationOpts: { numItems: 3, cursor } });
      assert.ok(outcome.ok);
      const result = outcome.value as { page: string[]; isDone: boolean; continueCursor: string };
      pages.push(...result.page);
      cursor = result.continueCursor;
      if (result.isDone) break;
    }
    assert.deepEqual(pages, ranked);
    const wrong = await run("wrongField", {});
    assert.equal(wrong.ok, false);
    assert.match(
      !wrong.ok ? wrong.error.message : "",
      /Search query against messages\.search_body contains a search filter against "channel", which doesn't match the indexed `searchField` "body"\./,
    );
  } finally {
    await server.stop({ removeData: true });
  }
});

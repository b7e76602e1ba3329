// Differential check of component calls against convex-test (0.0.60), which models components
// with `registerComponent`: the same calls on the component-calls fixture must give the same
// results on both. Left out, where convex-test simplifies (convex-components-facts §6): visibility
// (it lets an app call a child's internal function), env isolation (components see the test's
// env), handle strings (its own format) and the scheduler (it needs fake timers). IDs differ in
// form on the two sides and are compared by shape.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { convexTest } from "convex-test";
import { anyApi, defineSchema, type FunctionReference } from "convex/server";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

const FIXTURE = "../fixtures/component-calls/convex";
const generated = { "./_generated/api.ts": () => import(`${FIXTURE}/wrapper/_generated/api.ts`) };
const counterModules = { ...generated, "./public.ts": () => import(`${FIXTURE}/counter/public.ts`) };

async function convexTestSide() {
  const schema = (await import(`${FIXTURE}/schema.ts`)).default;
  const t = convexTest(schema, {
    ...generated,
    "./app.ts": () => import(`${FIXTURE}/app.ts`),
    "./http.ts": () => import(`${FIXTURE}/http.ts`),
  });
  const counterSchema = (await import(`${FIXTURE}/counter/schema.ts`)).default;
  t.registerComponent("counter", counterSchema, counterModules);
  t.registerComponent("counter2", counterSchema, counterModules);
  t.registerComponent("wrapper", defineSchema({}), { ...generated, "./public.ts": () => import(`${FIXTURE}/wrapper/public.ts`) });
  t.registerComponent("wrapper/counter", counterSchema, counterModules);
  return t;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/** The scenario, written once against a small interface both sides implement. */
interface Side {
  query(name: string, args: Record<string, unknown>): Promise<Outcome>;
  mutation(name: string, args: Record<string, unknown>): Promise<Outcome>;
  action(name: string, args: Record<string, unknown>): Promise<Outcome>;
}

async function scenario(side: Side): Promise<Array<[string, unknown]>> {
  const steps: Array<[string, unknown]> = [];
  const record = async (label: string, outcome: Promise<Outcome>) => steps.push([label, normalize(await outcome)]);
  await record("bump 1", side.mutation("app:bump", { name: "beans" }));
  await record("bump 2", side.mutation("app:bump", { name: "beans" }));
  await record("totals", side.query("app:totals", { name: "beans" }));
  await record("callee throws", side.mutation("app:catchFailure", { name: "rollback" }));
  await record("totals after callee threw", side.query("app:totals", { name: "rollback" }));
  await record("caller throws", side.mutation("app:failAfterCall", { name: "atomic" }));
  await record("totals after caller threw", side.query("app:totals", { name: "atomic" }));
  await record("handle callback", side.mutation("app:viaHandle", { note: "first" }));
  await record("callbacks", side.query("app:callbacks", {}));
  const handle = await side.mutation("app:handleOfComponentFunction", {});
  await record(
    "run a component handle",
    handle.ok ? side.action("app:runHandle", { handle: handle.value, args: { name: "beans" } }) : Promise.resolve(handle),
  );
  await record("no identity in components", side.query("app:whoAmI", {}));
  return steps;
}

/** IDs and handles differ in form between the two; errors are compared by their first line's gist. */
function normalize(outcome: Outcome): unknown {
  if (!outcome.ok) return { error: /the caller failed/.test(outcome.error) ? "the caller failed" : outcome.error.split("\n")[0] };
  return JSON.parse(JSON.stringify(outcome.value), (_key, value: unknown) =>
    typeof value === "string" && value.startsWith("function://") ? "<handle>" : value,
  );
}

let server: FixtureServer;
before(async () => {
  server = await serveFixture("component-calls");
});
after(async () => {
  await server?.stop();
});

test("the same calls give the same results in Convex Lens and in convex-test", async () => {
  const t = await convexTestSide();
  const settle = (promise: Promise<unknown>): Promise<Outcome> =>
    promise.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error: String((error as Error).message ?? error) }),
    );
  const ref = (name: string) => {
    const [module, fn] = name.split(":");
    return (anyApi as unknown as Record<string, Record<string, FunctionReference<"query" | "mutation" | "action">>>)[module!]![fn!]!;
  };
  const theirs = await scenario({
    query: (name, args) => settle(t.query(ref(name) as FunctionReference<"query">, args)),
    mutation: (name, args) => settle(t.mutation(ref(name) as FunctionReference<"mutation">, args)),
    action: (name, args) => settle(t.action(ref(name) as FunctionReference<"action">, args)),
  });
  const lens =
    (udfType: "query" | "mutation" | "action") =>
    async (name: string, args: Record<string, unknown>): Promise<Outcome> => {
      const outcome = await server.runtime.runFunction(name, args as never, { udfType });
      return outcome.ok ? { ok: true, value: outcome.value } : { ok: false, error: outcome.error.message };
    };
  const ours = await scenario({ query: lens("query"), mutation: lens("mutation"), action: lens("action") });
  assert.equal(ours.length, theirs.length);
  for (let i = 0; i < ours.length; i++) {
    const [label, value] = ours[i]!;
    const theirValue = theirs[i]![1];
    if (label === "caller throws") {
      assert.deepEqual(value, { error: "the caller failed" }, label);
      assert.deepEqual(theirValue, { error: "the caller failed" }, label);
      continue;
    }
    assert.deepEqual(value, theirValue, `${label}: Convex Lens ${JSON.stringify(value)}, convex-test ${JSON.stringify(theirValue)}`);
  }
  // Agreement on failures alone would prove little: the scenario's reads have real values.
  assert.deepEqual(Object.fromEntries(ours).totals, { app: 200, appTableSize: 1, counter: 2, counter2: 20, wrapped: null });
  assert.deepEqual(Object.fromEntries(ours).callbacks, ["first"]);
});

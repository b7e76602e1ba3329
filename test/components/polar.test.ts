// @convex-dev/polar, unchanged, through a real serve of test/fixtures/polar-app: Polar's webhook
// deliveries, signed with Standard Webhooks as Polar signs them, posted to the route the
// component's `registerRoutes(http)` adds; the component stores products and subscriptions, then
// the app's own event handlers run.
//
// Syncing products and checkout call Polar's API (api.polar.sh or sandbox-api.polar.sh, chosen by
// POLAR_SERVER; the package takes no base URL), so these offline tests cover the webhook side.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RunFunctionOptions } from "../../runtime/host/runtime";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";
import {
  polarEvent,
  polarProduct,
  polarSubscription,
  signPolarDelivery,
  type ProductFields,
  type SignedDelivery,
  type SubscriptionFields,
} from "./polar-webhooks";

const WEBHOOK_SECRET = "polar_whs_0123456789abcdefghijklmnopqrstuvwxyzABCDEF";
/** The deployment's variables, as `--env-file` would give them (dummy token: nothing calls Polar). */
const POLAR_ENV = { POLAR_ORGANIZATION_TOKEN: "polar_oat_dummy", POLAR_WEBHOOK_SECRET: WEBHOOK_SECRET, POLAR_SERVER: "sandbox" };
const CUSTOMER_ID = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";

const premium: ProductFields = {
  id: "prod_premium_monthly",
  name: "Premium",
  priceId: "price_premium_monthly",
  priceAmount: 1500,
  createdAt: "2025-05-01T08:00:00Z",
  modifiedAt: null,
};

const subscription: SubscriptionFields = {
  id: "sub_0001",
  customerId: CUSTOMER_ID,
  email: "ada@example.com",
  product: premium,
  status: "active",
  createdAt: "2025-06-01T10:00:00Z",
  modifiedAt: "2025-06-01T10:00:00Z",
  cancelAtPeriodEnd: false,
  cancellationReason: null,
};

let server: FixtureServer;

async function call<T = unknown>(name: string, args: Record<string, unknown> = {}, options: RunFunctionOptions = {}): Promise<T> {
  const outcome = await server.runtime.runFunction(name, args as never, options);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.value as T;
}

async function deliver(delivery: SignedDelivery, requestId?: string): Promise<{ status: number; text: string }> {
  const headers = requestId ? { ...delivery.headers, "convex-request-id": requestId } : delivery.headers;
  const response = await server.get("/polar/events", { method: "POST", headers, body: delivery.body });
  return { status: response.status, text: await response.text() };
}

interface StoredProduct {
  id: string;
  name: string;
  createdAt: string;
  isRecurring: boolean;
  prices: Array<{ id: string; amountType: string; priceAmount: number; priceCurrency: string; type: string; recurringInterval: string }>;
}

before(async () => {
  server = await serveFixture("polar-app", { env: POLAR_ENV });
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
});

after(async () => {
  await server?.stop();
});

describe("@convex-dev/polar", () => {
  test("the component is installed and registerRoutes(http) put POST /polar/events on the app's router", () => {
    const project = server.runtime.project!;
    assert.deepEqual(
      project.components.map((c) => c.path),
      ["", "polar"],
    );
    const routes = project.routes.filter((r) => r.addedBy === "@convex-dev/polar").map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(routes, ["POST /polar/events"]);
  });

  test("a signed product.created is accepted (202), stored by the component, then passed to the app's handler", async () => {
    const answer = await deliver(
      signPolarDelivery(polarEvent("product.created", polarProduct(premium)), WEBHOOK_SECRET),
      "polar-product-1",
    );
    assert.deepEqual(answer, { status: 202, text: "Accepted" });

    const products = await call<StoredProduct[]>("example:listAllProducts");
    assert.equal(products.length, 1);
    const [product] = products;
    assert.equal(product!.id, "prod_premium_monthly");
    assert.equal(product!.name, "Premium");
    assert.equal(product!.createdAt, "2025-05-01T08:00:00.000Z", "the SDK parsed the date and the package stored it as ISO text");
    assert.equal(product!.isRecurring, true);
    assert.deepEqual(
      product!.prices.map(({ id, amountType, priceAmount, priceCurrency, type, recurringInterval }) => ({
        id,
        amountType,
        priceAmount,
        priceCurrency,
        type,
        recurringInterval,
      })),
      [
        {
          id: "price_premium_monthly",
          amountType: "fixed",
          priceAmount: 1500,
          priceCurrency: "usd",
          type: "recurring",
          recurringInterval: "month",
        },
      ],
    );
    const configured = await call<Record<string, { id: string } | undefined>>("example:getConfiguredProducts");
    assert.equal(configured.premiumMonthly?.id, "prod_premium_monthly");

    assert.deepEqual(await call("example:events"), [{ type: "product.created", objectId: "prod_premium_monthly", detail: "Premium" }]);
    const ran = server.runtime.logs
      .listExecutions({ requestId: "polar-product-1" })
      .map((e) => `${e.udfType} ${e.identifier} ${e.outcome}`)
      .sort();
    assert.deepEqual(ran, [
      "httpAction POST /polar/events success",
      "mutation example:recordEvent success",
      "mutation polar/lib:createProduct success",
    ]);
  });

  test("the same delivery again (Polar retries) is accepted and leaves one product", async () => {
    const delivery = signPolarDelivery(polarEvent("product.created", polarProduct(premium)), WEBHOOK_SECRET);
    assert.equal((await deliver(delivery)).status, 202);
    assert.equal((await deliver(delivery)).status, 202);
    assert.deepEqual(
      (await call<StoredProduct[]>("example:listAllProducts")).map((p) => p.id),
      ["prod_premium_monthly"],
    );
  });

  test("subscription.created for a linked customer becomes the user's current subscription", async () => {
    await call("example:signUp", { email: "ada@example.com", polarCustomerId: CUSTOMER_ID });
    const answer = await deliver(signPolarDelivery(polarEvent("subscription.created", polarSubscription(subscription)), WEBHOOK_SECRET));
    assert.deepEqual(answer, { status: 202, text: "Accepted" });

    const current = await call<Record<string, unknown> & { product: { name: string } }>("example:currentSubscription");
    assert.equal(current.id, "sub_0001");
    assert.equal(current.status, "active");
    assert.equal(current.customerId, CUSTOMER_ID);
    assert.equal(current.productKey, "premiumMonthly");
    assert.equal(current.amount, 1500);
    assert.equal(current.currentPeriodEnd, "2025-07-01T10:00:00.000Z");
    assert.equal(current.cancelAtPeriodEnd, false);
    assert.equal(current.product.name, "Premium");

    // polar.api()'s query finds the user through getUserInfo, an app query the component client runs.
    const all = await call<Array<{ id: string; product: { id: string } | null }>>("example:listAllSubscriptions");
    assert.deepEqual(
      all.map((s) => [s.id, s.product?.id]),
      [["sub_0001", "prod_premium_monthly"]],
    );
    const events = await call<Array<{ type: string; detail: string }>>("example:events");
    assert.deepEqual(events.at(-1), { type: "subscription.created", objectId: "sub_0001", detail: "ada@example.com → Premium" });
  });

  test("subscription.updated stores the cancellation; an older update delivered late is ignored by the component", async () => {
    const canceled = { ...subscription, modifiedAt: "2025-06-10T12:00:00Z", cancelAtPeriodEnd: true, cancellationReason: "too_expensive" };
    assert.equal(
      (await deliver(signPolarDelivery(polarEvent("subscription.updated", polarSubscription(canceled)), WEBHOOK_SECRET))).status,
      202,
    );
    let current = await call<Record<string, unknown>>("example:currentSubscription");
    assert.equal(current.cancelAtPeriodEnd, true);
    assert.equal(current.customerCancellationReason, "too_expensive");
    assert.equal(current.modifiedAt, "2025-06-10T12:00:00.000Z");

    const stale = { ...subscription, modifiedAt: "2025-06-05T09:00:00Z", status: "past_due" };
    assert.equal(
      (await deliver(signPolarDelivery(polarEvent("subscription.updated", polarSubscription(stale)), WEBHOOK_SECRET))).status,
      202,
    );
    current = await call<Record<string, unknown>>("example:currentSubscription");
    assert.equal(current.status, "active");
    assert.equal(current.cancelAtPeriodEnd, true);

    const handled = (await call<Array<{ type: string; detail: string }>>("example:events")).filter(
      (e) => e.type === "subscription.updated",
    );
    assert.deepEqual(
      handled.map((e) => e.detail),
      ["too_expensive", "no reason"],
      "the app's handler runs for every verified event",
    );
  });

  test("deliveries that fail verification are refused with 403 Forbidden and store nothing", async () => {
    const other: ProductFields = { ...premium, id: "prod_forged", name: "Forged" };
    const body = polarEvent("product.created", polarProduct(other));
    const signed = signPolarDelivery(body, WEBHOOK_SECRET);
    const refused: Array<[string, SignedDelivery]> = [
      ["signed with another secret", signPolarDelivery(body, "polar_whs_someone_else")],
      ["body changed after signing", { body: body.replace("Forged", "Forget"), headers: signed.headers }],
      ["no signature headers", { body, headers: { "content-type": "application/json" } }],
      ["signed ten minutes ago", signPolarDelivery(body, WEBHOOK_SECRET, { timestamp: Math.floor(Date.now() / 1000) - 600 })],
    ];
    const eventsBefore = (await call<unknown[]>("example:events")).length;
    for (const [why, delivery] of refused) {
      assert.deepEqual(await deliver(delivery, `polar-refused-${why}`), { status: 403, text: "Forbidden" }, why);
    }
    assert.ok(!(await call<StoredProduct[]>("example:listAllProducts")).some((p) => p.id === "prod_forged"));
    assert.equal((await call<unknown[]>("example:events")).length, eventsBefore, "no handler ran");

    const lines = server.runtime.logs.queryLines({ requestId: "polar-refused-signed with another secret", limit: 10 });
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.level, "ERROR");
    assert.match(lines[0]!.message, /No matching signature found/);
    const tooOld = server.runtime.logs.queryLines({ requestId: "polar-refused-signed ten minutes ago", limit: 10 });
    assert.match(tooOld[0]?.message ?? "", /Message timestamp too old/);
  });

  test("what the component and the app stored is there again after serve restarts on the same data", async () => {
    const before = {
      products: await call<StoredProduct[]>("example:listAllProducts"),
      subscription: await call("example:currentSubscription"),
      events: await call("example:events"),
    };
    const { dataDir } = server;
    await server.stop({ removeData: false });
    server = await serveFixture("polar-app", { dataDir, env: POLAR_ENV });
    assert.deepEqual(await call("example:listAllProducts"), before.products);
    assert.deepEqual(await call("example:currentSubscription"), before.subscription);
    assert.deepEqual(await call("example:events"), before.events);
  });

  test("a verified event the SDK cannot parse is the backend's 500, not a 403", async () => {
    const answer = await deliver(signPolarDelivery(polarEvent("product.created", { id: "prod_broken" }), WEBHOOK_SECRET));
    assert.equal(answer.status, 500);
    assert.match(JSON.parse(answer.text).code, /Server Error: Uncaught .*Failed to parse event/);
    assert.ok(!(await call<StoredProduct[]>("example:listAllProducts")).some((p) => p.id === "prod_broken"));
  });
});

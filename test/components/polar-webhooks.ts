// Polar webhook deliveries as Polar sends them: the event JSON (snake_case, as Polar's API writes
// it) and the Standard Webhooks headers. Polar's SDK hands the secret to `standardwebhooks` as
// base64 of its UTF-8 text, so the HMAC key is the secret's own bytes.
import { createHmac, randomUUID } from "node:crypto";

export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

/** Signs `body` as Polar does: `v1,<base64 HMAC-SHA256 of "<id>.<unix seconds>.<body>">`. */
export function signPolarDelivery(body: string, secret: string, options: { id?: string; timestamp?: number } = {}): SignedDelivery {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${id}.${timestamp}.${body}`).digest("base64");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": `v1,${signature}`,
    },
  };
}

export const ORGANIZATION_ID = "8d4a6c2e-6d6b-4a42-9f0a-1f2b3c4d5e6f";

export interface ProductFields {
  id: string;
  name: string;
  priceId: string;
  priceAmount: number;
  createdAt: string;
  modifiedAt: string | null;
}

/** A monthly subscription product with one fixed price, as `GET /v1/products/{id}` returns it. */
export function polarProduct(p: ProductFields): Record<string, unknown> {
  return {
    id: p.id,
    created_at: p.createdAt,
    modified_at: p.modifiedAt,
    trial_interval: null,
    trial_interval_count: null,
    name: p.name,
    description: `${p.name}, billed monthly`,
    visibility: "public",
    recurring_interval: "month",
    recurring_interval_count: 1,
    is_recurring: true,
    is_archived: false,
    organization_id: ORGANIZATION_ID,
    metadata: { tier: "premium" },
    prices: [
      {
        created_at: p.createdAt,
        modified_at: null,
        id: p.priceId,
        source: "catalog",
        amount_type: "fixed",
        price_currency: "usd",
        tax_behavior: null,
        is_archived: false,
        product_id: p.id,
        price_amount: p.priceAmount,
      },
    ],
    benefits: [],
    medias: [],
    attached_custom_fields: [],
  };
}

export interface SubscriptionFields {
  id: string;
  customerId: string;
  email: string;
  product: ProductFields;
  status: string;
  createdAt: string;
  modifiedAt: string | null;
  cancelAtPeriodEnd: boolean;
  cancellationReason: string | null;
}

/** A subscription with its customer and product embedded, as Polar's webhooks carry it. */
export function polarSubscription(s: SubscriptionFields): Record<string, unknown> {
  return {
    created_at: s.createdAt,
    modified_at: s.modifiedAt,
    id: s.id,
    amount: s.product.priceAmount,
    currency: "usd",
    recurring_interval: "month",
    recurring_interval_count: 1,
    status: s.status,
    current_period_start: "2025-06-01T10:00:00Z",
    current_period_end: "2025-07-01T10:00:00Z",
    trial_start: null,
    trial_end: null,
    cancel_at_period_end: s.cancelAtPeriodEnd,
    canceled_at: s.cancelAtPeriodEnd ? s.modifiedAt : null,
    started_at: "2025-06-01T10:00:00Z",
    ends_at: s.cancelAtPeriodEnd ? "2025-07-01T10:00:00Z" : null,
    ended_at: null,
    customer_id: s.customerId,
    product_id: s.product.id,
    discount_id: null,
    checkout_id: "chk_0001",
    seats: null,
    customer_cancellation_reason: s.cancellationReason,
    customer_cancellation_comment: null,
    metadata: {},
    custom_field_data: {},
    customer: {
      id: s.customerId,
      created_at: "2025-06-01T09:58:00Z",
      modified_at: null,
      metadata: {},
      external_id: null,
      email: s.email,
      email_verified: true,
      type: "individual",
      name: "Ada Lovelace",
      billing_address: null,
      tax_id: null,
      locale: null,
      organization_id: ORGANIZATION_ID,
      deleted_at: null,
      avatar_url: "https://www.gravatar.com/avatar/0?d=404",
    },
    product: polarProduct(s.product),
    discount: null,
    prices: polarProduct(s.product).prices as unknown[],
    meters: [],
    pending_update: null,
  };
}

/** The delivery body: `{type, timestamp, data}`. */
export function polarEvent(type: string, data: Record<string, unknown>, timestamp = "2025-06-01T10:00:01Z"): string {
  return JSON.stringify({ type, timestamp, data });
}

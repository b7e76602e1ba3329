// @convex-dev/twilio, unchanged, through a real serve of test/fixtures/twilio-app: dummy
// credentials from an env file, and the form-encoded webhooks Twilio posts to the routes the
// component's `registerRoutes(http)` adds.
//
// Sending (`twilio.sendMessage`) and the incoming-message route fetch api.twilio.com, a host the
// package does not let you change, and these tests run offline. So messages are stored the way
// those actions store them after their fetch, by running the component's `messages:insert` as
// `npx convex run --component twilio` would, and everything Twilio sends to the app is tested.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEnvFiles } from "../../runtime/host/env-files";
import type { RunFunctionOptions } from "../../runtime/host/runtime";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN = "dummy-auth-token-0123456789abcdef";
const OUR_NUMBER = "+15005550006";
const JENNY = "+14158675309";

let server: FixtureServer;
let envDir: string;

async function call<T = unknown>(name: string, args: Record<string, unknown> = {}, options: RunFunctionOptions = {}): Promise<T> {
  const outcome = await server.runtime.runFunction(name, args as never, options);
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.value as T;
}

/** A message as the component stores it from Twilio's Message resource. */
function twilioMessage(sid: string, direction: "inbound" | "outbound-api", from: string, to: string, body: string) {
  return {
    account_sid: ACCOUNT_SID,
    api_version: "2010-04-01",
    body,
    date_created: "Mon, 02 Jun 2025 10:00:00 +0000",
    date_sent: null,
    date_updated: "Mon, 02 Jun 2025 10:00:00 +0000",
    direction,
    error_code: null,
    error_message: null,
    from,
    messaging_service_sid: null,
    num_media: "0",
    num_segments: "1",
    price: null,
    price_unit: "USD",
    sid,
    status: direction === "inbound" ? "received" : "queued",
    subresource_uris: { media: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}/Media.json` },
    to,
    uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`,
    rest: {},
  };
}

/** What sendMessage stores once Twilio has accepted the message. */
async function storeSent(sid: string, body: string): Promise<void> {
  await call(
    "messages:insert",
    { message: twilioMessage(sid, "outbound-api", OUR_NUMBER, JENNY, body) },
    { componentPath: "twilio", udfType: "mutation" },
  );
}

/** The status callback parameters Twilio posts for an outbound message. */
function statusParams(sid: string, status: string): Array<[string, string]> {
  return [
    ["SmsSid", sid],
    ["SmsStatus", status],
    ["MessageStatus", status],
    ["To", JENNY],
    ["MessageSid", sid],
    ["AccountSid", ACCOUNT_SID],
    ["From", OUR_NUMBER],
    ["ApiVersion", "2010-04-01"],
  ];
}

/** X-Twilio-Signature as Twilio computes it: HMAC-SHA1(auth token, URL + sorted name/value pairs). */
function twilioSignature(url: string, params: Array<[string, string]>, token = AUTH_TOKEN): string {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac("sha1", token)
    .update(url + sorted.map(([name, value]) => name + value).join(""))
    .digest("base64");
}

/** POSTs a webhook the way Twilio does: form-encoded, signed for the URL it is sent to. */
function postWebhook(
  path: string,
  params: Array<[string, string]>,
  init: { signature?: string; requestId?: string } = {},
): Promise<Response> {
  const url = `${server.site.url}${path}`;
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": "TwilioProxy/1.1",
      "x-twilio-signature": init.signature ?? twilioSignature(url, params),
      ...(init.requestId ? { "convex-request-id": init.requestId } : {}),
    },
    body: new URLSearchParams(params).toString(),
  });
}

before(async () => {
  envDir = mkdtempSync(join(tmpdir(), "convex-lens-twilio-env-"));
  const envFile = join(envDir, ".env.local");
  writeFileSync(envFile, `TWILIO_ACCOUNT_SID=${ACCOUNT_SID}\nTWILIO_AUTH_TOKEN=${AUTH_TOKEN}\nTWILIO_PHONE_NUMBER=${OUR_NUMBER}\n`);
  // The variables `convex-lens serve --env-file .env.local` hands to the functions.
  server = await serveFixture("twilio-app", { env: readEnvFiles([envFile]) });
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
});

after(async () => {
  await server?.stop();
  rmSync(envDir, { recursive: true, force: true });
});

describe("@convex-dev/twilio", () => {
  test("the component is installed and registerRoutes(http) put its two webhooks on the app's router", () => {
    const project = server.runtime.project!;
    assert.deepEqual(
      project.components.map((c) => c.path),
      ["", "twilio"],
    );
    const twilioRoutes = project.routes.filter((r) => r.addedBy === "@convex-dev/twilio").map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(twilioRoutes.sort(), ["POST /twilio/incoming-message", "POST /twilio/message-status"]);
  });

  test("a status callback updates the stored message, and the component's mutation runs as twilio/messages:updateStatus", async () => {
    await storeSent("SM0000000000000000000000000000001", "Hey Jenny");
    const params = statusParams("SM0000000000000000000000000000001", "delivered");
    const response = await postWebhook("/twilio/message-status", params, { requestId: "twilio-status-1" });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "");

    const stored = await call<Record<string, unknown>>("example:getMessageBySid", { sid: "SM0000000000000000000000000000001" });
    assert.equal(stored.status, "delivered");
    assert.equal(stored.body, "Hey Jenny");
    assert.equal(stored.counterparty, JENNY, "insert set the counterparty of an outbound message to its recipient");
    const { sentMessages, receivedMessages } = await call<{ sentMessages: Array<{ sid: string }>; receivedMessages: unknown[] }>(
      "example:list",
    );
    assert.deepEqual(
      sentMessages.map((m) => m.sid),
      ["SM0000000000000000000000000000001"],
    );
    assert.deepEqual(receivedMessages, []);

    const executions = server.runtime.logs.listExecutions({ requestId: "twilio-status-1" });
    const ran = executions.map((e) => `${e.udfType} ${e.identifier} ${e.outcome}`).sort();
    assert.deepEqual(ran, ["httpAction POST /twilio/message-status success", "mutation twilio/messages:updateStatus success"]);
  });

  test("later callbacks move the status on, each stored as it arrives", async () => {
    await storeSent("SM0000000000000000000000000000002", "Second");
    for (const status of ["sent", "delivered", "read"]) {
      const response = await postWebhook("/twilio/message-status", statusParams("SM0000000000000000000000000000002", status));
      assert.equal(response.status, 200);
      await response.arrayBuffer();
      const stored = await call<{ status: string }>("example:getMessageBySid", { sid: "SM0000000000000000000000000000002" });
      assert.equal(stored.status, status);
    }
  });

  test("a callback for a message the component never stored is the backend's 500, with the component's error", async () => {
    const response = await postWebhook("/twilio/message-status", statusParams("SM00000000000000000000000000000ff", "delivered"));
    assert.equal(response.status, 500);
    assert.match(response.headers.get("content-type") ?? "", /application\/json/);
    const body = (await response.json()) as { code: string };
    // The text a nested failure carries across the boundary is unconfirmed (facts §4); the 500 shape is not.
    assert.match(body.code, /^\[Request ID: [0-9a-f]+\] Server Error: Uncaught Error: .*Message not found$/);
    assert.equal(await call("example:getMessageBySid", { sid: "SM00000000000000000000000000000ff" }), null);
  });

  test("a callback without MessageSid and MessageStatus is answered 200 and changes nothing, as the package does", async () => {
    await storeSent("SM0000000000000000000000000000003", "Untouched");
    const response = await postWebhook(
      "/twilio/message-status",
      [
        ["AccountSid", ACCOUNT_SID],
        ["SmsStatus", "failed"],
      ],
      { requestId: "twilio-status-bad" },
    );
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    const stored = await call<{ status: string }>("example:getMessageBySid", { sid: "SM0000000000000000000000000000003" });
    assert.equal(stored.status, "queued");
    const lines = server.runtime.logs.queryLines({ requestId: "twilio-status-bad", limit: 10 });
    assert.deepEqual(
      lines.map((l) => l.message),
      [`'Invalid request: AccountSid=${ACCOUNT_SID}&SmsStatus=failed'`],
    );
  });

  test("an incoming message stored by the component calls the app's incomingMessageCallback through a function handle", async () => {
    const handle = await call<string>("example:incomingCallbackHandle");
    assert.match(handle, /^function:\/\/[^#]+#example:handleIncomingMessage$/);
    const message = twilioMessage("SM0000000000000000000000000000004", "inbound", JENNY, OUR_NUMBER, "Hi back");
    await call("messages:insert", { message, callback: handle }, { componentPath: "twilio", udfType: "mutation" });
    const inbox = await call<Array<{ sid: string }>>("example:inbox");
    assert.deepEqual(
      inbox.filter((row) => row.sid === "SM0000000000000000000000000000004"),
      [{ sid: "SM0000000000000000000000000000004", from: JENNY, body: "Hi back" }],
    );
    const { receivedMessages } = await call<{ receivedMessages: Array<{ sid: string; counterparty: string }> }>("example:list");
    assert.deepEqual(
      receivedMessages.map((m) => [m.sid, m.counterparty]),
      [["SM0000000000000000000000000000004", JENNY]],
    );
  });

  test("when the app's callback throws, the component's insert rolls back with it", async () => {
    const handle = await call<string>("example:incomingCallbackHandle");
    const message = twilioMessage("SM0000000000000000000000000000006", "inbound", JENNY, OUR_NUMBER, "  ");
    const outcome = await server.runtime.runFunction("messages:insert", { message, callback: handle } as never, {
      componentPath: "twilio",
      udfType: "mutation",
    });
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? "" : outcome.error.message, /Refusing an empty message/);
    assert.equal(await call("example:getMessageBySid", { sid: "SM0000000000000000000000000000006" }), null);
    const inbox = await call<Array<{ sid: string }>>("example:inbox");
    assert.ok(!inbox.some((row) => row.sid === "SM0000000000000000000000000000006"), "the callback's own write rolled back");
  });

  test("the app's own route checks X-Twilio-Signature (crypto.subtle, formData, request.url) before it writes", async () => {
    await storeSent("SM0000000000000000000000000000005", "Signed");
    const params = statusParams("SM0000000000000000000000000000005", "delivered");

    const forged = await postWebhook("/sms/verified-status", params, {
      signature: twilioSignature(`${server.site.url}/sms/verified-status`, params, "not-the-token"),
    });
    assert.equal(forged.status, 403);
    assert.equal(await forged.text(), "Invalid Twilio signature");
    const notBase64 = await postWebhook("/sms/verified-status", params, { signature: "%%%" });
    assert.equal(notBase64.status, 403);
    await notBase64.arrayBuffer();
    assert.equal(
      (await call<{ status: string }>("example:getMessageBySid", { sid: "SM0000000000000000000000000000005" })).status,
      "queued",
    );

    const signed = await postWebhook("/sms/verified-status", params);
    assert.equal(signed.status, 204);
    await signed.arrayBuffer();
    assert.equal(
      (await call<{ status: string }>("example:getMessageBySid", { sid: "SM0000000000000000000000000000005" })).status,
      "delivered",
    );
  });
});

// @convex-dev/better-auth, unchanged, through a real `serve` of test/fixtures/better-auth-app: sign
// up and sign in by email over its HTTP routes, the Convex JWT it issues, and that token accepted by
// Lens's `ctx.auth` (checked against the key set the same site serves).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { serveFixture, type FixtureServer } from "../helpers/serve-fixture";

const SITE_URL = "http://localhost:3000";
const ADA = { email: "ada@example.com", password: "correct horse battery staple", name: "Ada Lovelace" };

type Identity = { subject: string; issuer: string; tokenIdentifier: string; email?: string; name?: string; sessionId?: string } | null;
type Row = Record<string, unknown> & { _id: string };
type Stored = { user: Row; sessions: Row[]; accounts: Row[]; profile: Row | null } | null;

const whoami = makeFunctionReference<"query", Record<string, never>, Identity>("identity:whoami");
const getCurrentUser = makeFunctionReference<"query", Record<string, never>, Row | null>("auth:getCurrentUser");
const storedFor = makeFunctionReference<"query", { email: string }, Stored>("identity:storedFor");
const addNote = makeFunctionReference<"mutation", { text: string }, string>("notes:add");
const myNotes = makeFunctionReference<"query", Record<string, never>, Row[]>("notes:mine");

let server: FixtureServer;

/** A browser-like call to the auth routes: JSON body, the app's origin, and the cookies it holds. */
function authRequest(path: string, init: { body?: unknown; cookie?: string; bearer?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { origin: SITE_URL };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.cookie) headers.cookie = init.cookie;
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  return server.get(`/api/auth${path}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: "manual",
  });
}

/** `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0]!)
    .join("; ");
}

before(async () => {
  server = await serveFixture("better-auth-app", {
    env: { SITE_URL, BETTER_AUTH_SECRET: "a-local-test-secret-of-at-least-32-characters" },
  });
  assert.equal(server.runtime.state.kind, "ready", JSON.stringify(server.runtime.state));
});

after(async () => {
  await server?.stop();
});

describe("@convex-dev/better-auth", () => {
  test("its routes are served and marked as the package's in the Routes view", () => {
    const state = server.runtime.state;
    assert.equal(state.kind, "ready");
    const routes = state.project.routes.map((r) => [r.method, r.path, r.kind, r.addedBy ?? null]);
    assert.deepEqual(routes.filter(([, path]) => path !== "/whoami").sort(), [
      ["GET", "/.well-known/openid-configuration", "exact", "@convex-dev/better-auth"],
      ["GET", "/api/auth/*", "prefix", "@convex-dev/better-auth"],
      ["OPTIONS", "/api/auth/*", "prefix", "@convex-dev/better-auth"],
      ["POST", "/api/auth/*", "prefix", "@convex-dev/better-auth"],
    ]);
  });

  test("a CORS preflight from the trusted site origin is allowed with credentials", async () => {
    const response = await server.get("/api/auth/sign-in/email", {
      method: "OPTIONS",
      headers: { origin: SITE_URL, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), SITE_URL);
    assert.equal(response.headers.get("access-control-allow-credentials"), "true");
    assert.match(response.headers.get("access-control-allow-methods") ?? "", /POST/);
  });

  let userId: string;
  let sessionCookie: string;
  let sessionToken: string;
  let convexToken: string;

  test("sign-up by email creates the user, its credential account and a session in the component", async () => {
    const response = await authRequest("/sign-up/email", { body: ADA });
    assert.equal(response.status, 200, await response.clone().text());
    const body = (await response.json()) as { token: string; user: { id: string; email: string; name: string } };
    assert.equal(body.user.email, ADA.email);
    assert.equal(body.user.name, ADA.name);
    userId = body.user.id;
    const setCookies = response.headers.getSetCookie();
    assert.ok(
      setCookies.some((c) => c.startsWith("better-auth.session_token=")),
      setCookies.join("\n"),
    );
    assert.ok(
      setCookies.some((c) => c.startsWith("better-auth.convex_jwt=")),
      setCookies.join("\n"),
    );

    const stored = await new ConvexHttpClient(server.api.url).query(storedFor, { email: ADA.email });
    assert.ok(stored);
    assert.equal(stored.user._id, userId);
    assert.equal(stored.user.name, ADA.name);
    assert.equal(stored.sessions.length, 1);
    assert.equal(stored.sessions[0]!.token, body.token);
    assert.equal(stored.accounts.length, 1);
    assert.equal(stored.accounts[0]!.providerId, "credential");
    assert.notEqual(stored.accounts[0]!.password, ADA.password, "the password is stored hashed");
    // The app's user trigger ran through the function handle the component was given.
    assert.equal(stored.profile?.authId, userId);
    assert.equal(stored.profile?.email, ADA.email);
  });

  test("the rows are in the component's own `user` table, which the panels' run path reaches", async () => {
    const outcome = await server.runtime.runFunction(
      "adapter:findMany",
      { model: "user", where: [], paginationOpts: { numItems: 10, cursor: null } } as never,
      { componentPath: "betterAuth" },
    );
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const users = (outcome.value as { page: Row[] }).page;
    assert.deepEqual(
      users.map((u) => [u._id, u.email]),
      [[userId, ADA.email]],
    );
  });

  test("a second sign-up with the same email is refused", async () => {
    const response = await authRequest("/sign-up/email", { body: ADA });
    assert.equal(response.status, 422, await response.clone().text());
    assert.match(await response.text(), /USER_ALREADY_EXISTS/);
  });

  test("a wrong password is refused, and no session is created", async () => {
    const response = await authRequest("/sign-in/email", { body: { email: ADA.email, password: "not the password" } });
    assert.equal(response.status, 401, await response.clone().text());
    assert.match(await response.text(), /INVALID_EMAIL_OR_PASSWORD/);
    assert.deepEqual(response.headers.getSetCookie(), []);
    const stored = await new ConvexHttpClient(server.api.url).query(storedFor, { email: ADA.email });
    assert.equal(stored?.sessions.length, 1);
  });

  test("sign-in by email opens a second session and sets the session cookie", async () => {
    const response = await authRequest("/sign-in/email", { body: { email: ADA.email, password: ADA.password } });
    assert.equal(response.status, 200, await response.clone().text());
    const body = (await response.json()) as { token: string; user: { id: string } };
    assert.equal(body.user.id, userId);
    sessionCookie = cookiesOf(response);
    sessionToken = body.token;
    assert.match(sessionCookie, /better-auth\.session_token=/);
    const stored = await new ConvexHttpClient(server.api.url).query(storedFor, { email: ADA.email });
    assert.equal(stored?.sessions.length, 2);
    assert.ok(stored?.sessions.some((s) => s.token === body.token));
  });

  test("the session is readable with its cookie, and with its token as a Bearer header", async () => {
    for (const credentials of [{ cookie: sessionCookie }, { bearer: sessionToken }]) {
      const response = await authRequest("/get-session", credentials);
      assert.equal(response.status, 200, await response.clone().text());
      const body = (await response.json()) as { user: { id: string; email: string } } | null;
      assert.equal(body?.user.id, userId, JSON.stringify(credentials));
    }
  });

  test("the JWKS and the OpenID configuration are served by the site", async () => {
    const jwks = await authRequest("/convex/jwks");
    assert.equal(jwks.status, 200, await jwks.clone().text());
    const { keys } = (await jwks.json()) as { keys: { kty: string; alg: string; kid: string }[] };
    assert.equal(keys.length, 1);
    assert.equal(keys[0]!.kty, "RSA");
    assert.equal(keys[0]!.alg, "RS256");

    const redirect = await server.get("/.well-known/openid-configuration", { redirect: "manual" });
    assert.equal(redirect.status, 302);
    const location = redirect.headers.get("location");
    assert.equal(location, `${server.site.url}/api/auth/convex/.well-known/openid-configuration`);
    const discovery = await fetch(location!);
    assert.equal(discovery.status, 200, await discovery.clone().text());
    const config = (await discovery.json()) as { issuer: string; jwks_uri: string };
    assert.equal(config.issuer, server.site.url);
    assert.equal(config.jwks_uri, `${server.site.url}/api/auth/convex/jwks`);
  });

  test("the Convex token from /convex/token is the user's identity in queries and HTTP actions", async () => {
    const response = await authRequest("/convex/token", { cookie: sessionCookie });
    assert.equal(response.status, 200, await response.clone().text());
    const { token } = (await response.json()) as { token: string };
    convexToken = token;

    const client = new ConvexHttpClient(server.api.url);
    client.setAuth(token);
    const identity = await client.query(whoami, {});
    assert.equal(identity?.subject, userId);
    assert.equal(identity?.issuer, server.site.url);
    assert.equal(identity?.tokenIdentifier, `${server.site.url}|${userId}`);
    assert.equal(identity?.email, ADA.email);
    assert.equal(identity?.name, ADA.name);

    // The package's own helper looks the session and user up in the component from that identity.
    const user = await client.query(getCurrentUser, {});
    assert.equal(user?._id, userId);
    assert.equal(user?.email, ADA.email);

    const overHttp = await server.get("/whoami", { headers: { authorization: `Bearer ${token}` } });
    assert.equal(overHttp.status, 200, await overHttp.clone().text());
    assert.equal(((await overHttp.json()) as Identity)?.subject, userId);
  });

  test("after a restart, an app mutation is the first to check the token against the site's key set", async () => {
    await server.runtime.reload();
    const client = new ConvexHttpClient(server.api.url);
    client.setAuth(convexToken);
    const noteId = await client.mutation(addNote, { text: "first note" });
    assert.deepEqual(
      (await client.query(myNotes, {})).map((note) => [note._id, note.authorId, note.text]),
      [[noteId, userId, "first note"]],
    );
  });

  test("sign-out ends the session: the still-unexpired Convex token no longer finds a user", async () => {
    const response = await authRequest("/sign-out", { body: {}, cookie: sessionCookie });
    assert.equal(response.status, 200, await response.clone().text());
    const stored = await new ConvexHttpClient(server.api.url).query(storedFor, { email: ADA.email });
    assert.equal(stored?.sessions.length, 1, "only the sign-up session is left");
    const client = new ConvexHttpClient(server.api.url);
    client.setAuth(convexToken);
    assert.equal((await client.query(whoami, {}))?.subject, userId, "the JWT itself stays valid until it expires");
    assert.equal(await client.query(getCurrentUser, {}), null);
    await assert.rejects(() => client.mutation(addNote, { text: "signed out" }), /Unauthenticated/);
  });

  test("without a session there is no Convex token and no identity", async () => {
    const response = await authRequest("/convex/token");
    assert.equal(response.status, 401, await response.clone().text());
    assert.equal(await new ConvexHttpClient(server.api.url).query(getCurrentUser, {}), null);
  });
});

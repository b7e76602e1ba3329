// The names and origins a user adds to the loopback-only defaults (--allow-host, --allow-origin,
// convexLens.allowedHosts / allowedOrigins): accepted forms are normalized as the checks compare
// them, anything else is refused at start with a message that says how to write it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { allowedNamesOf, AllowedNameError, parseAllowedHost, parseAllowedOrigin } from "../../runtime/http/allowed-names";
import { isLoopbackOrigin } from "../../runtime/http/api-cors";
import { isJsonContentType } from "../../runtime/http/json-only";
import { runCli } from "../helpers/cli-process";

test("host names: lower-cased, a leading dot for a whole domain; schemes, ports and paths refused", () => {
  assert.equal(parseAllowedHost("Abc.Ngrok.app"), "abc.ngrok.app");
  assert.equal(parseAllowedHost(" .ngrok.app "), ".ngrok.app");
  assert.equal(parseAllowedHost("192.168.1.5"), "192.168.1.5");
  assert.equal(parseAllowedHost("[fd00::1]"), "[fd00::1]");
  for (const bad of ["http://abc.ngrok.app", "abc.ngrok.app:443", "abc.ngrok.app/x", "", ".", "-x.example", "a..b", "*"]) {
    assert.throws(
      () => parseAllowedHost(bad),
      (error: Error) => error instanceof AllowedNameError && /is not a host name: write it like abc\.ngrok\.app/.test(error.message),
      bad,
    );
  }
});

test("origins: serialized as a browser sends them in Origin; * for every origin; paths refused", () => {
  assert.equal(parseAllowedOrigin("https://App.Example.com/"), "https://app.example.com");
  assert.equal(parseAllowedOrigin("https://app.example.com:443"), "https://app.example.com");
  assert.equal(parseAllowedOrigin("http://192.168.1.5:5173"), "http://192.168.1.5:5173");
  assert.equal(parseAllowedOrigin("*"), "*");
  for (const bad of [
    "app.example.com",
    "https://app.example.com/path",
    "https://app.example.com?x",
    "ftp://app.example.com",
    "https://user@app.example.com",
    "null",
  ]) {
    assert.throws(() => parseAllowedOrigin(bad), /is not an origin: write it like https:\/\/app\.example\.com/, bad);
  }
});

test("a bad entry names the setting and the flag it came from", () => {
  assert.deepEqual(allowedNamesOf({}), { allowedHosts: [], allowedOrigins: [] });
  assert.throws(
    () => allowedNamesOf({ allowedHosts: ["ok.example", "http://bad"] }),
    /^Error: convexLens\.allowedHosts \(--allow-host\): "http:\/\/bad" is not a host name/,
  );
  assert.throws(() => allowedNamesOf({ allowedOrigins: ["bad"] }), /convexLens\.allowedOrigins \(--allow-origin\): "bad" is not an origin/);
});

test("loopback origins: http or https on localhost, 127.0.0.1 or [::1], any port, exactly as serialized", () => {
  for (const origin of ["http://localhost:5173", "https://localhost", "http://127.0.0.1:3000", "http://[::1]:8080"])
    assert.ok(isLoopbackOrigin(origin), origin);
  for (const origin of [
    "null",
    "http://localhost.evil.example",
    "http://127.0.0.1.nip.io",
    "http://localhost:5173/",
    "ws://localhost:5173",
    "http://127.0.0.2",
    "http://0.0.0.0:5173",
    "file://",
  ]) {
    assert.ok(!isLoopbackOrigin(origin), origin);
  }
});

test("JSON content types: application/json with parameters, and +json types", () => {
  for (const type of ["application/json", "Application/JSON; charset=utf-8", "application/vnd.api+json"])
    assert.ok(isJsonContentType(type), type);
  for (const type of [
    undefined,
    "",
    "text/plain",
    "text/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/jsonp",
  ]) {
    assert.ok(!isJsonContentType(type), String(type));
  }
});

test("serve refuses a bad --allow-host or --allow-origin with a usage error", async () => {
  for (const [flag, value, message] of [
    ["--allow-host", "https://abc.ngrok.app", /--allow-host: "https:\/\/abc\.ngrok\.app" is not a host name/],
    ["--allow-origin", "app.example.com", /--allow-origin: "app\.example\.com" is not an origin/],
  ] as const) {
    const cli = runCli(["serve", "examples/chat", flag, value]);
    assert.equal(await cli.exited, 2);
    assert.match(cli.output(), message);
  }
});

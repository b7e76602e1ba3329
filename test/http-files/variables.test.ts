import { test } from "node:test";
import assert from "node:assert/strict";
import { referencedVariables, resolveVariables, VariableError } from "../../runtime/http-files/variables";

test("overrides beat the file, the file beats the defaults; values may use other variables", () => {
  const file = new Map([
    ["site", "http://from-file"],
    ["base", "{{site}}/api"],
  ]);
  assert.equal(resolveVariables("{{base}}/x", { file, defaults: { site: "http://default" } }), "http://from-file/api/x");
  assert.equal(resolveVariables("{{base}}/x", { file, overrides: { site: "http://override" } }), "http://override/api/x");
  assert.equal(resolveVariables("{{ site }}", { defaults: { site: "http://default" } }), "http://default");
  assert.equal(resolveVariables("q={{%name}}", { file: new Map([["name", "a b&c"]]) }), "q=a%20b%26c");
});

test("a variable without a value is an error naming it; loops are errors too", () => {
  assert.throws(
    () => resolveVariables("Bearer {{token}}", {}),
    (error: unknown) => error instanceof VariableError && error.missing === "token" && /@token = …/.test(error.message),
  );
  assert.throws(
    () =>
      resolveVariables("{{a}}", {
        file: new Map([
          ["a", "{{b}}"],
          ["b", "{{a}}"],
        ]),
      }),
    /loop/,
  );
});

test("$dotenv, $processEnv and the generated values", () => {
  const sources = { dotenv: () => ({ KEY: "from .env" }), processEnv: { TOKEN: "secret" } };
  assert.equal(resolveVariables("{{$dotenv KEY}}/{{$processEnv TOKEN}}", sources), "from .env/secret");
  assert.throws(() => resolveVariables("{{$dotenv OTHER}}", sources), /OTHER is not in the .env file/);
  assert.throws(() => resolveVariables("{{$dotenv KEY}}", { dotenv: () => null }), /there is no .env file/);
  assert.throws(() => resolveVariables("{{$processEnv NOPE}}", sources), /NOPE is not set/);
  assert.match(resolveVariables("{{$guid}}", {}), /^[0-9a-f-]{36}$/);
  assert.match(resolveVariables("{{$timestamp}}", {}), /^\d{10}$/);
  const n = Number(resolveVariables("{{$randomInt 5 7}}", {}));
  assert.ok(n === 5 || n === 6);
  assert.throws(() => resolveVariables("{{$nope}}", {}), /not a variable Convex Lens knows/);
});

test("referencedVariables lists the names a text needs", () => {
  assert.deepEqual(referencedVariables("{{site}}/x?{{%q}}&{{$guid}}&{{site}}"), ["site", "q"]);
});

// Upload tokens: valid for an hour (like the backend's), reusable meanwhile, then "expired".
import { test } from "node:test";
import assert from "node:assert/strict";
import { UPLOAD_TOKEN_VALIDITY_MS, UploadTokens } from "../../runtime/storage/upload-tokens";

test("a token is valid for an hour, then expired; unknown tokens are invalid", () => {
  let now = 1_000_000;
  const tokens = new UploadTokens(() => now);
  const token = tokens.issue();
  assert.match(token, /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(tokens.issue(), token);
  assert.equal(tokens.check(token), "valid");
  assert.equal(tokens.check(token), "valid", "a token is not used up by a check");
  assert.equal(tokens.check("made-up"), "invalid");
  assert.equal(tokens.check(null), "invalid");
  assert.equal(tokens.check(""), "invalid");
  now += UPLOAD_TOKEN_VALIDITY_MS - 1;
  assert.equal(tokens.check(token), "valid");
  now += 1;
  assert.equal(tokens.check(token), "expired");
});

test("pruning forgets tokens only a day after they expired", () => {
  let now = 0;
  const tokens = new UploadTokens(() => now);
  const old = tokens.issue();
  now += UPLOAD_TOKEN_VALIDITY_MS;
  const fresh = tokens.issue();
  tokens.prune();
  assert.equal(tokens.size, 2);
  assert.equal(tokens.check(old), "expired");
  now += 24 * 60 * 60 * 1000 + 1;
  tokens.prune();
  assert.equal(tokens.size, 1);
  assert.equal(tokens.check(old), "invalid");
  assert.equal(tokens.check(fresh), "expired");
});

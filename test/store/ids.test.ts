import assert from "node:assert/strict";
import { test } from "node:test";
import {
  base32Decode,
  base32Encode,
  decodeId,
  decodeIdOrError,
  decodeLegacyInternalId,
  encodeId,
  fletcher16,
  tableNumberOfId,
} from "../../runtime/store/ids";
import { rng } from "./helpers";

test("decodes a real production ID to table 10009 with a valid checksum", () => {
  // From convex-backend's dashboard stories (CommandPalette.stories.tsx): "// table 10009".
  const decoded = decodeId("k570e9j5cj1t5gf0zwf3tq3vkawxhqr0");
  assert.ok(decoded);
  assert.equal(decoded.tableNumber, 10009);
  assert.equal(encodeId(10009, decoded.internalId), "k570e9j5cj1t5gf0zwf3tq3vkawxhqr0");
});

test("matches the backend's stability vector (crates/value/src/id_v6.rs)", () => {
  const internal = new Uint8Array(16);
  internal[0] = 251;
  for (let i = 1; i < 16; i++) internal[i] = (internal[i - 1]! * 251) & 0xff;
  assert.equal(encodeId(1017, internal), "z43zp6c3e75gkmz1kfwj6mbbx5sw281h");
});

test("IDs have 31 characters below table 128 and 32 up to 16383, and round-trip", () => {
  const random = rng(7);
  for (const table of [1, 2, 127, 128, 10001, 16383, 16384, 2 ** 21, 2 ** 32 - 1]) {
    for (let i = 0; i < 20; i++) {
      const internal = new Uint8Array(16).map(() => Math.floor(random() * 256));
      const id = encodeId(table, internal);
      assert.match(id, /^[0-9a-hjkmnp-tv-z]+$/);
      if (table < 128) assert.equal(id.length, 31);
      else if (table < 16384) assert.equal(id.length, 32);
      const decoded = decodeId(id);
      assert.ok(decoded, id);
      assert.equal(decoded.tableNumber, table);
      assert.deepEqual([...decoded.internalId], [...internal]);
    }
  }
  assert.equal(tableNumberOfId(encodeId(10001)), 10001);
});

test("rejects a changed character (checksum), bad length, bad alphabet and table 0", () => {
  const id = "k570e9j5cj1t5gf0zwf3tq3vkawxhqr0";
  const changed = id.slice(0, 10) + (id[10] === "a" ? "b" : "a") + id.slice(11);
  assert.equal(decodeId(changed), null);
  assert.match((decodeIdOrError(changed) as { error: string }).error, /^Unable to decode ID: Invalid ID version/);
  assert.equal(decodeId(id.slice(1)), null);
  assert.equal(decodeId(id.slice(0, 20)), null);
  assert.deepEqual(decodeIdOrError("abc"), { error: "Unable to decode ID: Invalid ID length 3" });
  assert.deepEqual(decodeIdOrError(`${id.slice(0, 31)}u`), { error: "Unable to decode ID: ID wasn't valid base32" });
  assert.equal(decodeId(id.toUpperCase()), null);
  assert.equal(decodeId("0".repeat(31)), null); // table number 0
  assert.equal(tableNumberOfId("not an id"), null);
});

test("base32 and fletcher16 behave like the backend's", () => {
  assert.equal(base32Encode(Uint8Array.of(0xff)), "zw");
  assert.deepEqual([...base32Decode("zw")!], [0xff]);
  assert.equal(base32Decode("zi"), null);
  // The backend's Fletcher-16 wraps both sums at 256 (not the textbook 255, which gives 0xC8F0):
  // c0 = 97+98+99+100+101 mod 256 = 239, c1 = 97+195+38+138+239 mod 256 = 195.
  assert.equal(fletcher16(new TextEncoder().encode("abcde")), (195 << 8) | 239);
});

test("legacy 22-character internal IDs are recognized for normalizeId", () => {
  const bytes = new Uint8Array(16).map((_, i) => i * 7);
  const legacy = Buffer.from(bytes).toString("base64url");
  assert.equal(legacy.length, 22);
  assert.deepEqual([...decodeLegacyInternalId(legacy)!], [...bytes]);
  assert.equal(decodeLegacyInternalId("short"), null);
});

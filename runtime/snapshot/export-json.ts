// The value format of a snapshot's documents.jsonl: the backend's `ValueFormat::ConvexExportJSON`
// ("export_clean_lossless", get-convex/convex-backend crates/value/src/export.rs), which the export
// marks with a generated_schema.jsonl whose one line is "uniform" (crates/exports/src/zip_uploader.rs,
// write_legacy_generated_schema; crates/shape_inference/src/export_context.rs, GeneratedSchema):
//   int64          a JSON number without "." or exponent ("42", "9223372036854775807")
//   float64        a JSON number with one ("1.0", "-0.0", "1e300"); NaN and ±Infinity as {"$float": base64}
//   bytes          {"$bytes": base64}
//   an object whose first key starts with "$" is read as the wire form (`from_clean_lossless`)
// JSON.parse cannot tell "1" from "1.0", so lines are read by the parser below. The store keeps
// values in the wire form (`convexToJson`: int64 as {"$integer": base64 of 8 little-endian bytes}),
// which is what `parseExportJson` returns and `writeExportJson` takes.
import type { JSONValue } from "../store/types";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const ENCODED_SCALARS = new Set(["$integer", "$float", "$bytes"]);

export class ExportJsonError extends Error {}

export function int64Wire(value: bigint): JSONValue {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(value);
  return { $integer: bytes.toString("base64") };
}

function floatWire(value: number): JSONValue {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return { $float: bytes.toString("base64") };
}

/**
 * One line of documents.jsonl. `lossless` (a "uniform" table): integers are int64. Without a
 * generated schema the backend reads every number as a float64 (`ExportContext::Infer` over an
 * unknown shape), so plain hand-written JSON lines import as they read.
 */
export function parseExportJson(text: string, lossless: boolean): JSONValue {
  const parser = new Parser(text, lossless);
  parser.space();
  const value = parser.value();
  parser.space();
  if (parser.at < text.length) parser.fail("unexpected text after the value");
  return value;
}

class Parser {
  at = 0;
  constructor(
    private readonly text: string,
    private readonly lossless: boolean,
  ) {}

  fail(what: string): never {
    throw new ExportJsonError(`${what} at column ${this.at + 1}`);
  }

  space(): void {
    while (this.at < this.text.length && " \t\r\n".includes(this.text[this.at]!)) this.at++;
  }

  value(): JSONValue {
    const c = this.text[this.at];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    return this.fail(c === undefined ? "unexpected end of the line" : `unexpected ${JSON.stringify(c)}`);
  }

  string(): string {
    const start = this.at;
    this.at++;
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined) this.fail("unterminated string");
      if (c === "\\") this.at += 2;
      else if (c === '"') break;
      else this.at++;
    }
    this.at++;
    try {
      return JSON.parse(this.text.slice(start, this.at)) as string;
    } catch {
      this.at = start;
      return this.fail("invalid string");
    }
  }

  number(): JSONValue {
    const match = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    match.lastIndex = this.at;
    const found = match.exec(this.text);
    if (!found) return this.fail("invalid number");
    this.at += found[0].length;
    const isInteger = found[1] === undefined && found[2] === undefined;
    if (this.lossless && isInteger) {
      // serde_json's as_i64; an integer outside i64 is read as f64 (`from_clean_lossless`).
      const value = BigInt(found[0]);
      if (value >= INT64_MIN && value <= INT64_MAX) return int64Wire(value);
    }
    const value = Number(found[0]);
    // JSON text cannot carry -0: the wire form keeps it as {"$float"} (`convexToJson`).
    return Object.is(value, -0) ? floatWire(value) : value;
  }

  array(): JSONValue[] {
    this.at++;
    const out: JSONValue[] = [];
    this.space();
    if (this.text[this.at] === "]") {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      out.push(this.value());
      this.space();
      const c = this.text[this.at++];
      if (c === "]") return out;
      if (c !== ",") {
        this.at--;
        this.fail('expected "," or "]"');
      }
    }
  }

  object(): JSONValue {
    this.at++;
    const out: { [key: string]: JSONValue } = {};
    this.space();
    if (this.text[this.at] === "}") {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail("expected a field name");
      const key = this.string();
      this.space();
      if (this.text[this.at++] !== ":") {
        this.at--;
        this.fail('expected ":"');
      }
      this.space();
      out[key] = this.value();
      this.space();
      const c = this.text[this.at++];
      if (c === "}") return this.encodedScalar(out);
      if (c !== ",") {
        this.at--;
        this.fail('expected "," or "}"');
      }
    }
  }

  /** {"$bytes": "…"} and its kin are the wire form already; other "$" fields are not allowed. */
  private encodedScalar(object: { [key: string]: JSONValue }): JSONValue {
    const keys = Object.keys(object);
    const special = keys.find((key) => key.startsWith("$"));
    if (special === undefined) return object;
    if (keys.length !== 1 || !ENCODED_SCALARS.has(special) || typeof object[special] !== "string") {
      throw new ExportJsonError(
        `field names cannot start with "$" (${JSON.stringify(special)}), except {"$bytes": base64} and {"$float": base64}`,
      );
    }
    return object;
  }
}

/** A value in the store's wire form, written as the backend's export writes it. */
export function writeExportJson(value: JSONValue): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return floatText(value);
  if (Array.isArray(value)) return `[${value.map(writeExportJson).join(",")}]`;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "$integer" && typeof value.$integer === "string") {
    return Buffer.from(value.$integer, "base64").readBigInt64LE().toString();
  }
  if (keys.length === 1 && keys[0] === "$float" && typeof value.$float === "string") {
    // The wire form carries -0 this way too; the export writes every finite float as a number.
    const float = Buffer.from(value.$float, "base64").readDoubleLE();
    if (Number.isFinite(float)) return floatText(float);
  }
  // {"$bytes"} and {"$float"} (NaN, ±Infinity) stay in the wire form, as the backend writes them.
  return `{${keys.map((key) => `${JSON.stringify(key)}:${writeExportJson(value[key]!)}`).join(",")}}`;
}

/** A finite float64 with a "." or an exponent, so that it reads back as a float ("1.0", "-0.0"). */
function floatText(value: number): string {
  if (Object.is(value, -0)) return "-0.0";
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

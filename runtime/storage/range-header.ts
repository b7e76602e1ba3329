// The `Range` header of file downloads (video and audio elements seek with it). Like the backend's
// `storage_get` (crates/local_backend/src/storage.rs): one range is served as 206, several are
// refused with 416 (it serves from S3, which takes one range), and a header that does not parse
// is ignored (the whole file, 200).
export type RangeRequest = { kind: "whole" } | { kind: "part"; start: number; end: number } | { kind: "unsatisfiable" };

const SPEC = /^(\d*)-(\d*)$/;

export function parseRange(header: string | null, size: number): RangeRequest {
  if (header === null) return { kind: "whole" };
  const match = /^bytes=(.+)$/i.exec(header.trim());
  if (!match) return { kind: "whole" };
  const specs = match[1]!.split(",").map((part) => SPEC.exec(part.trim()));
  if (specs.some((spec) => spec === null || (spec[1] === "" && spec[2] === ""))) return { kind: "whole" };
  if (specs.length !== 1) return { kind: "unsatisfiable" };
  const [, first, last] = specs[0]!;
  if (first === "") {
    // "-n": the last n bytes.
    const count = Number(last);
    if (count === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "part", start: Math.max(0, size - count), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return { kind: "whole" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "part", start, end };
}

// PLACEHOLDER: being written; replaced by the real module.
import type { Hono } from "hono";
import type { Runtime } from "../host/runtime";
import type { RuntimeFeature } from "../shared/feature";

export function attachStorage(runtime: Runtime, api: Hono): RuntimeFeature {
  void runtime;
  void (typeof api === "undefined" ? null : api);
  return { close() {} };
}

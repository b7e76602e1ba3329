// PLACEHOLDER: being written; replaced by the real module.
import type { Hono } from "hono";
import type { Runtime } from "../host/runtime";
import type { RuntimeFeature } from "../shared/feature";

export function attachAuth(runtime: Runtime): RuntimeFeature {
  void runtime;
  return { close() {} };
}

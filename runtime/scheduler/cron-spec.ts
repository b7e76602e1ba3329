// The cron jobs a `crons.ts` module declares, checked as the backend checks them on push
// (crates/isolate/src/environment/analyze.rs, cron_analyze; crates/model/src/cron_jobs/types.rs,
// CronSpec::try_from and check_valid_cron_identifier), with the backend's texts. Pure and free of
// Node APIs: the worker reads the module with it, per component install as well as for the app.
import type { FunctionInfo } from "../shared/protocol";
import type { JSONValue } from "../store/types";
import { cronStringProblem, NO_NEXT_TIME, nextRunTime, type CronSchedule } from "./cron-schedule";
import { canonicalName, moduleFile, parseFunctionPath, runtimeName } from "./function-path";

/** The module whose default export lists the cron jobs (the backend reads only `crons.js`). */
export const CRONS_MODULE = "crons";

export type { CronSpec } from "../shared/cron-types";
import type { CronSpec } from "../shared/cron-types";

/** A `crons.ts` the backend would refuse: its message says why. */
export class CronsModuleError extends Error {
  override name = "CronsModuleError";
}

const DAYS_OF_WEEK = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const INVALID_JSON = "Invalid JSON";

/**
 * The cron jobs of a loaded `crons` module (its exports), or null when the project has none.
 * Throws CronsModuleError with the backend's words when the module is not a valid Crons object,
 * and (our check, the backend's texts do not cover it) when a job names a function that is
 * missing or is a query.
 */
export function cronsOfModule(exports: Record<string, unknown> | undefined, functions: readonly FunctionInfo[]): CronSpec[] | null {
  if (exports === undefined) return null;
  if (!("default" in exports)) throw new CronsModuleError("`convex/crons.js` must have a default export of a Crons object.");
  const crons = exports.default as { isCrons?: unknown; export?: unknown } | null | undefined;
  // The backend's text for a null or undefined default export names a Router (a copy-paste slip
  // in analyze.rs); we say what is expected instead.
  if (crons === null || crons === undefined || crons.isCrons !== true) {
    throw new CronsModuleError("The default export of `convex/crons.js` is not a Crons object.");
  }
  if (typeof crons.export !== "function") throw new CronsModuleError(".export property on Crons object not found");
  let exported: unknown;
  try {
    exported = JSON.parse(String((crons.export as () => unknown).call(crons)));
  } catch (error) {
    throw new CronsModuleError(`The Crons object's export() failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const specs = cronSpecsOf(exported);
  checkTargets(specs, functions);
  return specs;
}

/** CronSpec::try_from for every entry of `Crons.export()`, in the backend's (byte) order of identifiers. */
export function cronSpecsOf(exported: unknown): CronSpec[] {
  if (!isObject(exported)) throw new CronsModuleError(INVALID_JSON);
  return Object.keys(exported)
    .sort(compareBytes)
    .map((identifier) => {
      checkIdentifier(identifier);
      return cronSpecOf(identifier, exported[identifier]);
    });
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** check_valid_cron_identifier. */
export function checkIdentifier(identifier: string): void {
  for (const char of identifier) {
    const code = char.codePointAt(0)!;
    if (code > 0x7f || code < 0x20 || code === 0x7f) {
      throw new CronsModuleError(
        `CronIdentifier ${identifier} has invalid character '${char}': CronIdentifiers can only contain ASCII letters, numbers, spaces, underscores, dashes and apostrophes`,
      );
    }
  }
}

function cronSpecOf(identifier: string, value: unknown): CronSpec {
  if (!isObject(value) || typeof value.name !== "string" || !("args" in value) || !isObject(value.schedule)) {
    throw new CronsModuleError(INVALID_JSON);
  }
  const schedule = scheduleOf(identifier, value.schedule, value);
  if (!Array.isArray(value.args)) throw new CronsModuleError(INVALID_JSON);
  if (value.name.trim() === "") throw new CronsModuleError(INVALID_JSON);
  return { identifier, udfPath: canonicalName(parseFunctionPath(value.name)), args: value.args as JSONValue[], schedule };
}

/** An i64 field of the JSON: absent and null are "none"; anything but an integer is invalid JSON. */
function integerField(schedule: Record<string, unknown>, field: string, required: boolean): number | null {
  const value = schedule[field];
  if (value === undefined || value === null) {
    if (required) throw new CronsModuleError(INVALID_JSON);
    return null;
  }
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new CronsModuleError(INVALID_JSON);
  return value;
}

function scheduleOf(identifier: string, schedule: Record<string, unknown>, whole: Record<string, unknown>): CronSchedule {
  const inRange = (value: number, low: number, high: number, what: string) => {
    if (value < low || value > high) throw new CronsModuleError(`${what} must be ${low}-${high} in ${JSON.stringify(whole, null, 2)}`);
    return value;
  };
  const minute = () => inRange(integerField(schedule, "minuteUTC", false) ?? pickedMinute(identifier), 0, 59, "minuteUTC");
  const hour = () => inRange(integerField(schedule, "hourUTC", true)!, 0, 23, "hourUTC");
  switch (schedule.type) {
    case "interval": {
      const parts = ["seconds", "minutes", "hours"].map((field) => integerField(schedule, field, false));
      if (parts.filter((part) => part !== null).length !== 1) {
        throw new CronsModuleError("Exactly one of (seconds, minutes, hours) should be specified");
      }
      if (parts.some((part) => part !== null && part <= 0)) throw new CronsModuleError("Interval must be an integer greater than 0");
      const [seconds, minutes, hours] = parts.map((part) => part ?? 0) as [number, number, number];
      return { type: "interval", seconds: seconds + minutes * 60 + hours * 3600 };
    }
    case "hourly":
      return { type: "hourly", minuteUTC: minute() };
    case "daily": {
      const minuteUTC = minute();
      return { type: "daily", hourUTC: hour(), minuteUTC };
    }
    case "weekly": {
      const minuteUTC = minute();
      const hourUTC = hour();
      const dayOfWeek = DAYS_OF_WEEK.indexOf(String(schedule.dayOfWeek));
      if (typeof schedule.dayOfWeek !== "string" || dayOfWeek < 0) throw new CronsModuleError(INVALID_JSON);
      return { type: "weekly", dayOfWeek, hourUTC, minuteUTC };
    }
    case "monthly": {
      const minuteUTC = minute();
      const hourUTC = hour();
      const day = inRange(integerField(schedule, "day", true)!, 1, 31, "day of month");
      return { type: "monthly", day, hourUTC, minuteUTC };
    }
    case "cron": {
      if (typeof schedule.cron !== "string") throw new CronsModuleError(INVALID_JSON);
      const where = `${JSON.stringify(schedule.cron)} (cron job ${JSON.stringify(identifier)})`;
      const problem = cronStringProblem(schedule.cron);
      if (problem !== null) throw new CronsModuleError(`${problem}: ${where}`);
      const cron: CronSchedule = { type: "cron", cron: schedule.cron };
      // The backend fails the push when it cannot compute the first run (`0 0 30 2 *`).
      try {
        nextRunTime(cron, null, 0);
      } catch {
        throw new CronsModuleError(`${NO_NEXT_TIME}: ${where} never matches a date`);
      }
      return cron;
    }
    default:
      throw new CronsModuleError(INVALID_JSON);
  }
}

/**
 * The minute of a calendar schedule declared without `minuteUTC` (convex 1.43 and later let it
 * out; the deployment then "picks a stable minute"). The backend's choice is not published: Lens
 * derives one from the identifier (FNV-1a), so it stays the same from run to run.
 */
export function pickedMinute(identifier: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(identifier)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 60;
}

/**
 * Every job must name a mutation or an action of the loaded code: the backend's cron executor
 * counts on push having checked it ("This should have been checked during analyze"). The texts
 * are ours.
 */
function checkTargets(specs: readonly CronSpec[], functions: readonly FunctionInfo[]): void {
  for (const spec of specs) {
    const path = parseFunctionPath(spec.udfPath);
    const info = functions.find((f) => f.name === runtimeName(path));
    const job = `The cron job ${JSON.stringify(spec.identifier)}`;
    if (!info) {
      const moduleExists = functions.some((f) => parseFunctionPath(f.name).module === path.module);
      throw new CronsModuleError(
        moduleExists
          ? `${job} runs ${spec.udfPath}, but ${moduleFile(path)} exports no function ${JSON.stringify(path.exportName)}. Did you forget to export it?`
          : `${job} runs ${spec.udfPath}, but there is no module ${moduleFile(path)}.`,
      );
    }
    if (info.udfType === "query") {
      throw new CronsModuleError(`${job} runs ${spec.udfPath}, which is a query: a cron job runs a mutation or an action.`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Cron expressions as the backend reads them. Convex parses `crons.cron(...)` strings (and the
// strings it builds for hourly/daily/weekly/monthly) with its fork of Cloudflare's `saffron` crate
// (get-convex/saffron, used by crates/model/src/cron_jobs/next_ts.rs), in UTC:
//
//   minute hour day-of-month month day-of-week        exactly five fields, spaces or tabs between,
//                                                     nothing before or after
//   values: 0-59, 0-23, 1-31, 1-12 or JAN-DEC, 0-6 (0 is Sunday) or SUN-SAT; 7 is refused
//   `*`, lists `a,b`, ranges `a-b` (a range may wrap: `22-2`), steps `*/n`, `a/n`, `a-b/n`
//   day of month: `L` (last day), `L-3`, `LW` (last weekday), `L-3W`, `15W` (nearest weekday)
//   day of week: `5L` (last Friday of the month), `5#3` (third Friday), `L` alone is Saturday
//   when both day fields are restricted, a day matching either one matches (as in Vixie cron)
//
// No npm cron library reads exactly this language (they accept 7 for Sunday, six fields or `?`,
// and differ on wrapping ranges), hence this small parser.
//
// Two oddities of the crate are reproduced on purpose, since they decide when a job runs:
// - a wrapping range also includes the value just before its start (`50-10` has minute 49);
// - a wrapping step counts past the field's end and, for day, month and weekday, skips the first
//   value after the wrap (`25-5/2` in days of the month gives 25, 27, 29, 31, 2, 4).
// The next run is the first minute after a given time that the expression matches (the crate's
// `next_after`); the crate's own search can differ from its matcher for `nW` at the end of a short
// month, a corner this search does not copy.

export type DayOfMonthRule =
  | { kind: "star" }
  /** Zero-based days (0 is the 1st). */
  | { kind: "days"; days: ReadonlySet<number> }
  /** `L` (offset 0) or `L-n`. */
  | { kind: "last"; offset: number }
  /** `LW` (offset 0) or `L-nW`. */
  | { kind: "lastWeekday"; offset: number }
  /** `nW`: the weekday nearest the nth. */
  | { kind: "nearestWeekday"; day: number };

export type DayOfWeekRule =
  | { kind: "star" }
  /** 0 is Sunday. */
  | { kind: "days"; days: ReadonlySet<number> }
  | { kind: "last"; weekday: number }
  | { kind: "nth"; weekday: number; nth: number };

export interface CronPattern {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  /** Zero-based months (0 is January). */
  months: ReadonlySet<number>;
  dayOfMonth: DayOfMonthRule;
  dayOfWeek: DayOfWeekRule;
}

/** The crate's only parse error, whatever is wrong. */
export const CRON_PARSE_ERROR = "Failed to parse cron expression";

export class CronParseError extends Error {
  constructor() {
    super(CRON_PARSE_ERROR);
    this.name = "CronParseError";
  }
}

/**
 * One field's numbers. `first`/`last` bound the values written; `offset` turns a value into its
 * position (1 for the one-based day and month); `stepMax` is the largest step; `names` are the
 * three-letter names the field also accepts.
 */
interface Field {
  first: number;
  last: number;
  offset: number;
  /** The crate's bounds for a wrapping step: it counts positions from `start` up to `wrapEnd`, then from `wrapStart`. */
  wrapStart: number;
  wrapEnd: number;
  stepMax: number;
  names?: readonly string[];
}

const MINUTE: Field = { first: 0, last: 59, offset: 0, wrapStart: 0, wrapEnd: 59, stepMax: 59 };
const HOUR: Field = { first: 0, last: 23, offset: 0, wrapStart: 0, wrapEnd: 23, stepMax: 23 };
const DAY: Field = { first: 1, last: 31, offset: 1, wrapStart: 1, wrapEnd: 31, stepMax: 30 };
const MONTH: Field = {
  first: 1,
  last: 12,
  offset: 1,
  wrapStart: 1,
  wrapEnd: 12,
  stepMax: 11,
  names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
};
// Values 0-6 (Convex's fork), while the crate's bounds for steps stayed at 1 and 7.
const WEEKDAY: Field = {
  first: 0,
  last: 6,
  offset: 0,
  wrapStart: 1,
  wrapEnd: 7,
  stepMax: 6,
  names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
};

/** Reads a cron expression, or throws CronParseError. */
export function parseCronExpression(text: string): CronPattern {
  const fields = text.split(/[ \t]+/);
  if (fields.length !== 5 || fields.some((field) => field === "")) throw new CronParseError();
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  return {
    minutes: plainField(minute, MINUTE),
    hours: plainField(hour, HOUR),
    dayOfMonth: dayOfMonthField(dayOfMonth),
    months: plainField(month, MONTH),
    dayOfWeek: dayOfWeekField(dayOfWeek),
  };
}

// ---- Parsing ----------------------------------------------------------------------------------

/** A cursor over one field's text; every read either advances or throws. */
class Reader {
  #at = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.#at >= this.text.length;
  }

  peek(): string {
    return this.text[this.#at] ?? "";
  }

  take(char: string): boolean {
    if (this.peek() !== char) return false;
    this.#at += 1;
    return true;
  }

  /** Digits as a number in [min, max]; leading zeros are fine, as in the crate. */
  number(min: number, max: number): number {
    const match = /^[0-9]+/.exec(this.text.slice(this.#at));
    if (!match) throw new CronParseError();
    const value = Number(match[0]);
    if (value > 255 || value < min || value > max) throw new CronParseError();
    this.#at += match[0].length;
    return value;
  }

  /** A value of the field: digits, or one of its names (any case). */
  value(field: Field): number {
    if (/[0-9]/.test(this.peek())) return this.number(field.first, field.last);
    const name = this.text.slice(this.#at, this.#at + 3).toUpperCase();
    const index = field.names?.indexOf(name) ?? -1;
    if (index < 0) throw new CronParseError();
    this.#at += 3;
    return index + field.first;
  }

  end(): void {
    if (!this.done) throw new CronParseError();
  }
}

/** One item of a list: a value (or `*` for the first value), then maybe `/step` or `-end[/step]`. */
type Item =
  | { kind: "one"; value: number }
  | { kind: "range"; start: number; end: number }
  | { kind: "step"; start: number; end: number; step: number };

function item(reader: Reader, field: Field): Item {
  return itemFrom(reader, field, reader.take("*") ? field.first : reader.value(field));
}

/** The rest of an item whose first value was read: `/step`, `-end[/step]` or nothing. */
function itemFrom(reader: Reader, field: Field, start: number): Item {
  if (reader.take("/")) return { kind: "step", start, end: field.last, step: reader.number(1, field.stepMax) };
  if (!reader.take("-")) return { kind: "one", value: start };
  const end = reader.value(field);
  if (reader.take("/")) return { kind: "step", start, end, step: reader.number(1, field.stepMax) };
  return { kind: "range", start, end };
}

/** `,item` until the field ends. */
function tail(reader: Reader, field: Field, items: Item[]): Item[] {
  while (reader.take(",")) items.push(item(reader, field));
  reader.end();
  return items;
}

// After a leading `*`: null when the field is just `*` (all values), else it must go on as a step,
// `*/n`, maybe followed by `,items`.
function starField(reader: Reader, field: Field): Set<number> | null {
  if (reader.done) return null;
  if (!reader.take("/")) throw new CronParseError();
  const step = reader.number(1, field.stepMax);
  return positionsOf(field, tail(reader, field, [{ kind: "step", start: field.first, end: field.last, step }]));
}

// Minutes, hours and months: `*` alone, `*/n`, or a list of items.
function plainField(text: string, field: Field): Set<number> {
  const reader = new Reader(text);
  if (reader.take("*")) return starField(reader, field) ?? allPositions(field);
  return positionsOf(field, tail(reader, field, [item(reader, field)]));
}

function dayOfMonthField(text: string): DayOfMonthRule {
  const reader = new Reader(text);
  if (reader.take("*")) {
    const days = starField(reader, DAY);
    return days ? { kind: "days", days } : { kind: "star" };
  }
  if (reader.take("L")) {
    if (reader.done) return { kind: "last", offset: 0 };
    if (reader.take("W")) {
      reader.end();
      return { kind: "lastWeekday", offset: 0 };
    }
    if (!reader.take("-")) throw new CronParseError();
    const offset = reader.number(1, 30);
    const weekday = reader.take("W");
    reader.end();
    return { kind: weekday ? "lastWeekday" : "last", offset };
  }
  // Only digits here: `*` and names are not values of this field's first item.
  const day = reader.number(DAY.first, DAY.last);
  if (reader.take("W")) {
    reader.end();
    return { kind: "nearestWeekday", day };
  }
  return { kind: "days", days: positionsOf(DAY, tail(reader, DAY, [itemFrom(reader, DAY, day)])) };
}

function dayOfWeekField(text: string): DayOfWeekRule {
  const reader = new Reader(text);
  if (reader.take("*")) {
    const days = starField(reader, WEEKDAY);
    return days ? { kind: "days", days } : { kind: "star" };
  }
  if (reader.take("L")) {
    reader.end();
    return { kind: "days", days: new Set([6]) };
  }
  const weekday = reader.value(WEEKDAY);
  if (reader.take("L")) {
    reader.end();
    return { kind: "last", weekday };
  }
  if (reader.take("#")) {
    const nth = reader.number(1, 5);
    reader.end();
    return { kind: "nth", weekday, nth };
  }
  return { kind: "days", days: positionsOf(WEEKDAY, tail(reader, WEEKDAY, [itemFrom(reader, WEEKDAY, weekday)])) };
}

// ---- Items to positions -----------------------------------------------------------------------

function allPositions(field: Field): Set<number> {
  const positions = new Set<number>();
  for (let value = field.first; value <= field.last; value++) positions.add(value - field.offset);
  return positions;
}

function positionsOf(field: Field, items: readonly Item[]): Set<number> {
  const positions = new Set<number>();
  const lastPosition = field.last - field.offset;
  for (const raw of items) {
    const entry = normalized(raw);
    if (entry.kind === "one") {
      positions.add(entry.value - field.offset);
      continue;
    }
    const start = entry.start - field.offset;
    const end = entry.end - field.offset;
    if (entry.kind === "range") {
      // A wrapping range starts one position early in the crate (see the file comment).
      const from = start <= end ? start : start - 1;
      if (start <= end) for (let p = from; p <= end; p++) positions.add(p);
      else {
        for (let p = from; p <= lastPosition; p++) positions.add(p);
        for (let p = 0; p <= end; p++) positions.add(p);
      }
      continue;
    }
    if (start <= end) {
      for (let p = start; p <= end; p += entry.step) positions.add(p);
      continue;
    }
    // A wrapping step walks start..wrapEnd then wrapStart..end, taking every step-th.
    const walk: number[] = [];
    for (let p = start; p <= field.wrapEnd; p++) walk.push(p);
    for (let p = field.wrapStart; p <= end; p++) walk.push(p);
    for (let i = 0; i < walk.length; i += entry.step) positions.add(walk[i]!);
  }
  return positions;
}

/** The crate's simplifications: `a-a` and `a-a/n` are `a`; a step of 1 is a range. */
function normalized(entry: Item): Item {
  if (entry.kind !== "one" && entry.start === entry.end) return { kind: "one", value: entry.start };
  if (entry.kind === "step" && entry.step === 1) return { kind: "range", start: entry.start, end: entry.end };
  return entry;
}

// ---- Matching and the next run ----------------------------------------------------------------

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Gregorian calendars repeat every 400 years: an expression with no match in one cycle has none. */
const SEARCH_DAYS = 400 * 366;

export function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

const isWeekend = (weekday: number) => weekday === 0 || weekday === 6;

function dayOfMonthMatches(rule: DayOfMonthRule, day: number, weekday: number, lastDay: number): boolean {
  switch (rule.kind) {
    case "star":
      return true;
    case "days":
      return rule.days.has(day - 1);
    case "last":
      return day + rule.offset === lastDay;
    case "lastWeekday": {
      if (rule.offset === 0) return (!isWeekend(weekday) && day === lastDay) || (weekday === 5 && lastDay - day < 3);
      const shifted = day + rule.offset;
      return (
        (!isWeekend(weekday) && shifted === lastDay) ||
        (weekday === 1 && shifted >= lastDay && shifted - lastDay < 3) ||
        (weekday === 5 && shifted + 1 === lastDay)
      );
    }
    case "nearestWeekday": {
      const target = rule.day;
      return (
        (!isWeekend(weekday) && day === target) ||
        (weekday === 1 && day - 1 === target) ||
        (weekday === 1 && day === 3 && target === 1) ||
        (weekday === 5 && day + 1 === target) ||
        (weekday === 5 && day + 2 === target && target === lastDay)
      );
    }
  }
}

function dayOfWeekMatches(rule: DayOfWeekRule, day: number, weekday: number, lastDay: number): boolean {
  switch (rule.kind) {
    case "star":
      return true;
    case "days":
      return rule.days.has(weekday);
    case "last":
      return weekday === rule.weekday && day + 7 > lastDay;
    case "nth":
      return weekday === rule.weekday && Math.floor((day - 1) / 7) + 1 === rule.nth;
  }
}

/** Whether the expression matches this UTC day (month and day fields only). */
function dayMatches(pattern: CronPattern, date: Date): boolean {
  if (!pattern.months.has(date.getUTCMonth())) return false;
  const day = date.getUTCDate();
  const weekday = date.getUTCDay();
  const lastDay = daysInMonth(date.getUTCFullYear(), date.getUTCMonth());
  const byDay = () => dayOfMonthMatches(pattern.dayOfMonth, day, weekday, lastDay);
  const byWeekday = () => dayOfWeekMatches(pattern.dayOfWeek, day, weekday, lastDay);
  const anyDay = pattern.dayOfMonth.kind === "star";
  const anyWeekday = pattern.dayOfWeek.kind === "star";
  if (anyDay && anyWeekday) return true;
  if (anyDay) return byWeekday();
  if (anyWeekday) return byDay();
  return byDay() || byWeekday();
}

/** Whether the expression matches this time (its minute, UTC). */
export function cronMatches(pattern: CronPattern, ms: number): boolean {
  const date = new Date(ms);
  return pattern.minutes.has(date.getUTCMinutes()) && pattern.hours.has(date.getUTCHours()) && dayMatches(pattern, date);
}

/** The first matching minute of the day at or after `fromMinute` (minutes since midnight), or null. */
function firstTimeOfDay(pattern: CronPattern, fromMinute: number): number | null {
  for (let hour = Math.floor(fromMinute / 60); hour <= HOUR.last; hour++) {
    if (!pattern.hours.has(hour)) continue;
    const firstMinute = hour === Math.floor(fromMinute / 60) ? fromMinute % 60 : 0;
    for (let minute = firstMinute; minute <= MINUTE.last; minute++) if (pattern.minutes.has(minute)) return hour * 60 + minute;
  }
  return null;
}

/**
 * A quick answer for the usual never-matching expression (`0 0 30 2 *`): days of the month that
 * none of its months has. Anything else is left to the search.
 */
function daysCanMatch(pattern: CronPattern): boolean {
  const { dayOfMonth, dayOfWeek, months } = pattern;
  if (dayOfWeek.kind !== "star" || dayOfMonth.kind !== "days") return true;
  const longest = Math.max(...[...months].map((month0) => daysInMonth(2000, month0)));
  return [...dayOfMonth.days].some((day0) => day0 < longest);
}

/**
 * The first time after `afterMs` that the expression matches, at a whole minute (ms since the
 * epoch, UTC), or null when it never matches (`0 0 30 2 *`).
 */
export function nextCronTime(pattern: CronPattern, afterMs: number): number | null {
  if (!daysCanMatch(pattern)) return null;
  const start = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  let dayStart = Math.floor(start / DAY_MS) * DAY_MS;
  let fromMinute = (start - dayStart) / MINUTE_MS;
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const date = new Date(dayStart);
    if (!pattern.months.has(date.getUTCMonth())) {
      // Straight to the first of the next month.
      dayStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
      fromMinute = 0;
      continue;
    }
    if (dayMatches(pattern, date)) {
      const minute = firstTimeOfDay(pattern, fromMinute);
      if (minute !== null) return dayStart + minute * MINUTE_MS;
    }
    dayStart += DAY_MS;
    fromMinute = 0;
  }
  return null;
}

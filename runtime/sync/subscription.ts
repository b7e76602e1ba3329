// One query a client subscribed to: its function and arguments, the read set of its last run, and
// the last result the client was sent (to send only changes).
import type { JSONValue } from "../store/types";
import type { QueryJournal } from "./protocol";
import type { ReadSet } from "./read-set";

export class Subscription {
  /** What the last run read; null before the first run ends. */
  reads: ReadSet | null = null;
  /** The last result sent, serialized: a re-run with the same result sends nothing. */
  lastSent: string | null = null;
  /** Set once the client removed it: a run still under way is dropped. */
  removed = false;
  /** How many times it ran (the first run included), and when its client was last sent a new result. */
  runs = 0;
  updatedAt: number | null = null;

  constructor(
    readonly queryId: number,
    /** "messages:list", as the client canonicalized it. */
    readonly udfPath: string,
    readonly componentPath: string,
    readonly args: JSONValue,
    public journal: QueryJournal,
  ) {}
}

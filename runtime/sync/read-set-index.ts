// Finds the subscriptions a commit touched without looking at the others: subscriptions are
// listed under every document id and every table their read set looks at, and only the ones
// listed under a written id or table are checked against the write.
import type { DocumentWrite, ReadSet } from "./read-set";
import type { Subscription } from "./subscription";

interface Listing {
  reads: ReadSet;
  tables: string[];
}

export class ReadSetIndex {
  readonly #byTable = new Map<string, Set<Subscription>>();
  readonly #byId = new Map<string, Set<Subscription>>();
  readonly #listed = new Map<Subscription, Listing>();

  /** Lists `subscription` under its new read set (replacing the old one). */
  set(subscription: Subscription, reads: ReadSet): void {
    this.delete(subscription);
    const tables = [...reads.tablesLookedAt()];
    for (const table of tables) addTo(this.#byTable, table, subscription);
    for (const id of reads.ids) addTo(this.#byId, id, subscription);
    this.#listed.set(subscription, { reads, tables });
  }

  delete(subscription: Subscription): void {
    const listing = this.#listed.get(subscription);
    if (!listing) return;
    this.#listed.delete(subscription);
    for (const table of listing.tables) removeFrom(this.#byTable, table, subscription);
    for (const id of listing.reads.ids) removeFrom(this.#byId, id, subscription);
  }

  /** The subscriptions whose read set one of `writes` touches. */
  touched(writes: ReadonlyArray<DocumentWrite>): Set<Subscription> {
    const found = new Set<Subscription>();
    for (const write of writes) {
      for (const subscription of this.#byId.get(write.id) ?? []) found.add(subscription);
      for (const subscription of this.#byTable.get(write.table) ?? []) {
        if (found.has(subscription)) continue;
        if (this.#listed.get(subscription)?.reads.touchedBy(write)) found.add(subscription);
      }
    }
    return found;
  }

  get size(): number {
    return this.#listed.size;
  }
}

function addTo<K>(map: Map<K, Set<Subscription>>, key: K, subscription: Subscription): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(subscription);
}

function removeFrom<K>(map: Map<K, Set<Subscription>>, key: K, subscription: Subscription): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(subscription);
  if (set.size === 0) map.delete(key);
}

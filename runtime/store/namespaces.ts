// Component namespaces. Every component install has tables of its own, as on the backend, where
// each install is a `TableNamespace` (convex-components-facts §4). One SQLite database holds them
// all: a component's table is stored as "<componentPath>/<table>" ("rateLimiter/rateLimits",
// "workpool/batchWorker/_scheduled_functions"). Component names and table names are identifiers,
// so the last "/" always separates the two, and the app's tables keep their plain names: databases
// written before components read unchanged. Table numbers stay global, so an ID names one
// document in one namespace.

/** The app's own namespace (the root of the component tree). */
export const ROOT_COMPONENT = "";

/** The name a component's table has in the store. */
export function storedTableName(component: string, table: string): string {
  return component === ROOT_COMPONENT ? table : `${component}/${table}`;
}

/** The component and the table name that user code in that component uses. */
export function splitStoredTableName(stored: string): { component: string; table: string } {
  const slash = stored.lastIndexOf("/");
  return slash < 0 ? { component: ROOT_COMPONENT, table: stored } : { component: stored.slice(0, slash), table: stored.slice(slash + 1) };
}

/** The table name without its component: "_storage" for "twilio/_storage". */
export function baseTableName(stored: string): string {
  return stored.slice(stored.lastIndexOf("/") + 1);
}

/** Whether a stored table belongs to `component`'s own namespace. */
export function inNamespace(stored: string, component: string): boolean {
  return splitStoredTableName(stored).component === component;
}

/** The stored name of an index: "twilio/messages.by_sid" for "messages.by_sid" in twilio. */
export function storedIndexName(component: string, indexName: string): string {
  return component === ROOT_COMPONENT ? indexName : `${component}/${indexName}`;
}

// What the tests of published components (@convex-dev/*) share: calls into the served fixture,
// and the documents of any install's table as the Data tab reads them.
import { pageDocuments } from "../../runtime/inspect";
import type { RunFunctionOptions } from "../../runtime/host/runtime";
import type { FixtureServer } from "../helpers/serve-fixture";

export { waitFor } from "../scheduler/scheduler-client";

/** Runs a function and returns its value; throws its error message. */
export async function call<T = unknown>(
  server: FixtureServer,
  name: string,
  args: Record<string, unknown> = {},
  options: RunFunctionOptions = {},
): Promise<T> {
  const outcome = await server.runtime.runFunction(name, args as never, options);
  if (!outcome.ok) throw new Error(`${name} failed: ${outcome.error.message}`);
  return outcome.value as T;
}

/** Every document of `table` (an install's table is "<path>/<table>"), oldest first, fields in wire form. */
export async function documents(server: FixtureServer, table: string): Promise<Array<Record<string, unknown>>> {
  const found: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  do {
    const slash = table.lastIndexOf("/");
    const [component, name] = slash < 0 ? ["", table] : [table.slice(0, slash), table.slice(slash + 1)];
    const page = await pageDocuments(server.runtime.store, component, name, cursor, 200);
    for (const doc of page.documents) found.push({ _id: doc.id, ...(JSON.parse(doc.fields) as Record<string, unknown>) });
    cursor = page.continueCursor;
  } while (cursor !== null);
  return found.reverse();
}

/** The execution identifiers (e.g. "workpool/loop:run") that logged a line at `level`, while `listen` runs. */
export function linesLoggedAt(server: FixtureServer, level: string): { identifiers: Set<string>; stop: () => void } {
  const identifiers = new Set<string>();
  const stop = server.runtime.events.listen({
    onLog: (log, start) => {
      if (log.line.level === level && start) identifiers.add(start.identifier);
    },
  });
  return { identifiers, stop };
}

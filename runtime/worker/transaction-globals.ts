// Queries and mutations are deterministic transactions in Convex: fetch and timers are not
// available in them. Calling one throws the backend's error; actions and HTTP actions keep them.
import { currentExecution } from "./execution";

const GUARDED = ["fetch", "setTimeout", "setInterval"] as const;

function message(name: string): string {
  const call = name === "fetch" ? "fetch()" : name;
  return `Can't use ${call} in queries and mutations. Please consider using an action. See https://docs.convex.dev/functions/actions for more details.`;
}

export function guardTransactionGlobals(): void {
  for (const name of GUARDED) {
    const original = (globalThis as Record<string, unknown>)[name] as ((...args: unknown[]) => unknown) | undefined;
    if (typeof original !== "function") continue;
    const guarded = function (this: unknown, ...args: unknown[]) {
      if (currentExecution()?.isTransactional) throw new Error(message(name));
      return original.apply(this, args);
    };
    // Keep util.promisify(setTimeout) and friends working outside transactions.
    Object.assign(guarded, original);
    Object.defineProperty(globalThis, name, { value: guarded, configurable: true, writable: true });
  }
}

// How the panels order and name component installs: the app ("") first, then every install by its
// path, so a child ("rateLimiter/batchWorker") follows its parent ("rateLimiter"). A component's
// function is named as its executions are logged: "counter/public:add".
import { ROOT_COMPONENT } from "../store/namespaces";

export function compareInstalls(a: string, b: string): number {
  if (a === b) return 0;
  if (a === ROOT_COMPONENT) return -1;
  if (b === ROOT_COMPONENT) return 1;
  return a < b ? -1 : 1;
}

/** The identifier the log store records for `name` of install `component`. */
export function qualifiedIdentifier(component: string, name: string): string {
  return component === ROOT_COMPONENT ? name : `${component}/${name}`;
}

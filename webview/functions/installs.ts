// Component installs in the functions panel: the app is the install "" and every component install
// has its path ("counter", "rateLimiter/batchWorker"). The host sends every list in install order
// (the app first, then by path); the panel keeps that order when it groups.
import type { Ui } from "../components";

/** What the panel calls an install in headings and messages. */
export function installLabel(component: string): string {
  return component === "" ? "App" : component;
}

/** The heading of an install's group: "App", or its path and "component". */
export function installHeading(ui: Ui, tag: "h2" | "h4" | "li", className: string, component: string): HTMLElement {
  return ui.element(tag, { className: `install-name ${className}`, attrs: { "data-component": component } }, [
    ui.element("span", { className: "mono", text: installLabel(component) }),
    // The leading space keeps "counter component" apart for screen readers; the layout ignores it.
    component !== "" && ui.element("span", { className: "install-kind muted", text: " component" }),
  ]);
}

/** A function as its executions are logged and the Logs panel filters it: "counter/public:add". */
export function qualifiedName(component: string, name: string): string {
  return component === "" ? name : `${component}/${name}`;
}

/**
 * The key of a function in the panel's selection and argument drafts: the app's functions keep
 * their plain name (as the panel saved them before components); a component's is JSON, which no
 * function name looks like, so an app module "counter/public.ts" never takes its place.
 */
export function functionKey(component: string, name: string): string {
  return component === "" ? name : JSON.stringify([component, name]);
}

/** Items by install, in the order they come; each group's items keep their order. */
export function groupByInstall<T extends { component: string }>(items: readonly T[]): Array<[component: string, items: T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.component, [...(groups.get(item.component) ?? []), item]);
  return [...groups];
}

/** A function key as the user reads it: "tasks:add", "counter/public:add". */
export function keyLabel(key: string): string {
  if (!key.startsWith("[")) return key;
  try {
    const [component, name] = JSON.parse(key) as [unknown, unknown];
    if (typeof component === "string" && typeof name === "string") return qualifiedName(component, name);
  } catch {
    // Not a key this panel made: shown as it is.
  }
  return key;
}

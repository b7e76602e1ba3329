// Which function a `ctx.runQuery/runMutation/runAction`, `ctx.scheduler.run*` or
// `createFunctionHandle` call names. The `convex` package sends one of three addresses
// (convex/src/server/components/paths.ts): `{name}` for `api.x.y` / `internal.x.y`, `{reference}`
// for `components.child.x.y`, `{functionHandle}` for a `function://…` string. They resolve
// relative to the calling install, as the backend's ComponentsModel::resolve does: a name is a
// function of the caller's own install, a reference reaches only a direct child's public
// functions, and a handle may point anywhere (the host's handle table knows where).
import { SyscallError } from "./convex-global";
import type { ComponentSet } from "./component-set";
import { displayName, parseFunctionName } from "./function-registry";

export interface FunctionAddress {
  name?: unknown;
  reference?: unknown;
  functionHandle?: unknown;
}

export type AddressTarget =
  /** `reference`: the callee must be public (a child's internal functions are not exported). */
  { kind: "function"; component: string; name: string; publicOnly: boolean } | { kind: "handle"; handle: string };

const CHILD_PREFIX = "_reference/childComponent/";
const FUNCTION_PREFIX = "_reference/function/";

/** Backend precedence: functionHandle, then name, then reference (environment/helpers parse_name_or_reference). */
export function parseAddress(components: ComponentSet, caller: string, address: FunctionAddress, syscall: string): AddressTarget {
  if (typeof address.functionHandle === "string") return { kind: "handle", handle: address.functionHandle };
  if (typeof address.name === "string") return { kind: "function", component: caller, name: address.name, publicOnly: false };
  if (typeof address.reference === "string") return resolveReference(components, caller, address.reference);
  throw new SyscallError(`Invalid arguments for \`${syscall}\`: Missing required argument 'name'`);
}

function resolveReference(components: ComponentSet, caller: string, reference: string): AddressTarget {
  if (reference.startsWith(FUNCTION_PREFIX)) {
    return { kind: "function", component: caller, name: reference.slice(FUNCTION_PREFIX.length), publicOnly: false };
  }
  if (!reference.startsWith(CHILD_PREFIX)) {
    if (reference.startsWith("_reference/componentArgument/")) throw new SyscallError("Can't use an argument reference in the app");
    throw new SyscallError(`Invalid reference ${reference}`);
  }
  const [child, ...attributes] = reference.slice(CHILD_PREFIX.length).split("/");
  const childPath = components.node(caller).children[child!];
  if (childPath === undefined) throw new SyscallError(`Child component ${JSON.stringify(child)} not found`);
  const name = exportName(attributes);
  const resolved = name === null ? null : components.node(childPath).registry.resolve(name);
  if (resolved === null || resolved.visibility !== "public") {
    throw new SyscallError(`Child component ${JSON.stringify(child)} does not export ${JSON.stringify(attributes)}`);
  }
  return { kind: "function", component: childPath, name: resolved.name, publicOnly: true };
}

/** File-based exports: ["folder", "mod", "fn"] is `folder/mod:fn`; one part alone names a module. */
function exportName(attributes: string[]): string | null {
  if (attributes.length < 2 || attributes.some((part) => part === "")) return null;
  const fn = attributes[attributes.length - 1]!;
  return displayName(attributes.slice(0, -1).join("/"), fn);
}

/** How a function is named in messages and logs: "messages:send", "twilio/messages:create". */
export function qualifiedName(component: string, name: string): string {
  const { module, exportName: fn } = parseFunctionName(name);
  const shown = displayName(module, fn);
  return component === "" ? shown : `${component}/${shown}`;
}

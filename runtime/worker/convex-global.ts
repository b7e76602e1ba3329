// Installs `globalThis.Convex`, the ABI the `convex` package calls into. Each call is routed to
// the execution that made it (found through AsyncLocalStorage); outside of one it fails the way
// the backend's Node executor does.
import { currentExecution, type Execution } from "./execution";
import type { SyscallArgs } from "../shared/protocol";

export interface SyscallHandlers {
  syscall(execution: Execution, op: string, args: SyscallArgs): unknown;
  asyncSyscall(execution: Execution, op: string, args: SyscallArgs): Promise<unknown>;
  jsSyscall(execution: Execution, op: string, args: Record<string, SyscallArgs>): unknown;
}

/** The shape the package rejects with: `data` turns the rejection into a ConvexError. */
export class SyscallError extends Error {
  constructor(
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

function requireExecution(op: string): Execution {
  const execution = currentExecution();
  if (!execution) {
    throw new Error(`Cannot invoke syscall during module imports (${op}). Convex functions can only use ctx inside a handler.`);
  }
  return execution;
}

export function installConvexGlobal(handlers: SyscallHandlers): void {
  const convex = {
    syscall(op: string, jsonArgs: string): string {
      const execution = requireExecution(op);
      return JSON.stringify(handlers.syscall(execution, op, JSON.parse(jsonArgs)));
    },
    async asyncSyscall(op: string, jsonArgs: string): Promise<string> {
      const execution = requireExecution(op);
      const result = await handlers.asyncSyscall(execution, op, JSON.parse(jsonArgs));
      return JSON.stringify(result === undefined ? null : result);
    },
    jsSyscall(op: string, args: Record<string, SyscallArgs>): unknown {
      const execution = requireExecution(op);
      return handlers.jsSyscall(execution, op, args);
    },
  };
  Object.defineProperty(globalThis, "Convex", { value: convex, configurable: true, writable: false });
}

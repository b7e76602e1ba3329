// Installs `globalThis.Convex`, the ABI the `convex` package calls into. Each call is routed to
// the execution that made it (found through AsyncLocalStorage); outside of one it fails the way
// the backend's Node executor does.
import { currentExecution, type Execution } from "./execution";

/** Where each call goes: `args` is the package's JSON parsed (JavaScript values for jsSyscall), unchecked. */
export interface SyscallRouting {
  syscall(execution: Execution, op: string, args: unknown): unknown;
  asyncSyscall(execution: Execution, op: string, args: unknown): Promise<unknown>;
  jsSyscall(execution: Execution, op: string, args: unknown): unknown;
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

/**
 * A syscall's answer that is JSON text already (a document as the store keeps it): handed to the
 * package as it is instead of being parsed here only to be stringified again.
 */
export class SyscallJson {
  constructor(readonly text: string) {}
}

function requireExecution(op: string): Execution {
  const execution = currentExecution();
  if (!execution) {
    throw new Error(`Cannot invoke syscall during module imports (${op}). Convex functions can only use ctx inside a handler.`);
  }
  return execution;
}

export function installConvexGlobal(handlers: SyscallRouting): void {
  const convex = {
    syscall(op: string, jsonArgs: string): string {
      const execution = requireExecution(op);
      return JSON.stringify(handlers.syscall(execution, op, JSON.parse(jsonArgs) as unknown));
    },
    async asyncSyscall(op: string, jsonArgs: string): Promise<string> {
      const execution = requireExecution(op);
      const result = await handlers.asyncSyscall(execution, op, JSON.parse(jsonArgs) as unknown);
      if (result instanceof SyscallJson) return result.text;
      return JSON.stringify(result === undefined ? null : result);
    },
    jsSyscall(op: string, args: unknown): unknown {
      const execution = requireExecution(op);
      return handlers.jsSyscall(execution, op, args);
    },
  };
  Object.defineProperty(globalThis, "Convex", { value: convex, configurable: true, writable: false });
}

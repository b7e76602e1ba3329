// How a failed function is told to a client of the deployment, as the backend tells it: a
// ConvexError keeps its message and gives its data; any other error is a "Server Error" with the
// request id, its message and stack (the client prefixes the function's name). Shared by the HTTP
// function API and the sync protocol.
import type { WireError } from "../shared/protocol";
import type { JSONValue } from "../store/types";

export interface FunctionFailure {
  errorMessage: string;
  /** The ConvexError's data, in wire form; absent for any other error. */
  errorData?: JSONValue;
}

export function functionFailure(requestId: string, error: WireError): FunctionFailure {
  if (error.data === undefined) return { errorMessage: `[Request ID: ${requestId}] Server Error\n${error.stack ?? error.message}` };
  return { errorMessage: error.message, errorData: error.data };
}

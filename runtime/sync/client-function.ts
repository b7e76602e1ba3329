// Runs a Mutation or an Action a client asked for over the sync protocol: a public function of
// the app (not of a component) with the session's token, its outcome as the response carries it.
import { functionFailure } from "../function-api/failure";
import { newRequestId, type Runtime } from "../host/runtime";
import type { JSONValue } from "../store/types";
import { argsObject, BAD_ARGS } from "./client-message";
import type { FunctionRequest } from "./protocol";

export type ClientFunctionOutcome =
  | { ok: true; value: JSONValue; logLines: string[] }
  | { ok: false; failure: { result: string; logLines: string[]; errorData?: JSONValue } };

/** A client may call the app's functions only; a component's are reached through the app. */
export function componentRefused(componentPath: string): string {
  return `Only the app's functions can be called from a client; ${JSON.stringify(componentPath)} is a component.`;
}

export async function runClientFunction(
  runtime: Runtime,
  udfType: "mutation" | "action",
  message: FunctionRequest,
  token: string | null,
): Promise<ClientFunctionOutcome> {
  const refuse = (result: string) => ({ ok: false as const, failure: { result, logLines: [] } });
  const args = argsObject(message.args);
  if (args === null) return refuse(BAD_ARGS);
  if ((message.componentPath ?? "") !== "") return refuse(componentRefused(message.componentPath!));
  const requestId = newRequestId();
  try {
    const outcome = await runtime.runFunction(message.udfPath, args, {
      udfType,
      publicOnly: true,
      authToken: token,
      caller: "sync",
      requestId,
    });
    if (outcome.ok) return { ok: true, value: outcome.value, logLines: outcome.logLines };
    const { errorMessage, errorData } = functionFailure(requestId, outcome.error);
    return { ok: false, failure: { result: errorMessage, logLines: outcome.logLines, ...(errorData !== undefined ? { errorData } : {}) } };
  } catch (error) {
    // Nothing to run it on (the project does not build, the runtime stops): the reason.
    return refuse(error instanceof Error ? error.message : String(error));
  }
}

// Runs a query, mutation or action the way the dashboard's function runner does: any function of
// any install (internal ones too: the dashboard runs them with the deployment's admin key, which
// the backend lets call every function of every component), with JSON arguments the runtime
// validates against the function's validators, optionally as the identity of a bearer token. The
// outcome reads like a Convex client's: the value, or the error text ConvexHttpClient would throw.
import { newRequestId, type Runtime } from "../host/runtime";
import type { FunctionInfo } from "../shared/protocol";
import type { JSONValue } from "../store/types";
import { InspectError } from "./inspect-error";

export interface InspectorCall {
  /** "" for the app, else the component install's path. */
  component: string;
  /** As the install names it: "public:add". */
  name: string;
  args: JSONValue;
  /** A token, with or without `Bearer `; null or blank runs without an identity. */
  authorization: string | null;
}

export interface InspectorRun {
  requestId: string;
  component: string;
  name: string;
  outcome: "success" | "failure";
  /** The value as pretty JSON (wire form); null on failure. */
  result: string | null;
  error: string | null;
  /** A ConvexError's data as pretty JSON. */
  errorData: string | null;
  /** The run's own execution as recorded (wall time on the host when it was not recorded). */
  durationMs: number;
}

type RunnableRuntime = Pick<Runtime, "project" | "runFunction" | "logs">;

/** The token of an Authorization value: `Bearer abc` and `abc` both give `abc`. */
export function bearerToken(authorization: string | null): string | null {
  const text = authorization?.trim() ?? "";
  const token = text.replace(/^bearer\s+/i, "").trim();
  return token === "" ? null : token;
}

export async function runForInspector(runtime: RunnableRuntime, call: InspectorCall): Promise<InspectorRun> {
  const info = findFunction(runtime, call.component, call.name);
  const requestId = newRequestId();
  const started = performance.now();
  const outcome = await runtime.runFunction(call.name, call.args, {
    componentPath: call.component,
    udfType: info.udfType,
    publicOnly: false,
    authToken: bearerToken(call.authorization),
    // Like `npx convex run`: a developer calling from outside the app.
    caller: "cli",
    requestId,
  });
  const wallMs = performance.now() - started;
  // The worker reports the end of an execution before its result, so the record is complete here.
  const recorded = runtime.logs.listExecutions({ requestId, limit: 500 }).find((e) => e.parentId === null)?.durationMs;
  const durationMs = typeof recorded === "number" ? recorded : Math.round(wallMs);
  if (outcome.ok) {
    return {
      requestId,
      component: call.component,
      name: call.name,
      outcome: "success",
      result: prettyJson(outcome.value),
      error: null,
      errorData: null,
      durationMs,
    };
  }
  const { error } = outcome;
  // As the function API answers (runtime/function-api): a ConvexError's message and data, or the
  // server error with its request id.
  const text = error.data === undefined ? `[Request ID: ${requestId}] Server Error\n${error.stack ?? error.message}` : error.message;
  return {
    requestId,
    component: call.component,
    name: call.name,
    outcome: "failure",
    result: null,
    error: text,
    errorData: error.data === undefined ? null : prettyJson(error.data),
    durationMs,
  };
}

function findFunction(runtime: RunnableRuntime, component: string, name: string): FunctionInfo {
  const install = runtime.project?.components.find((c) => c.path === component);
  if (!install) throw new InspectError(`There is no component ${JSON.stringify(component)} (any more): refresh the functions panel.`);
  const info = install.functions.find((f) => f.name === name);
  if (info) return info;
  const owner = component === "" ? "The project" : `Component ${component}`;
  throw new InspectError(`${owner} has no function named ${JSON.stringify(name)} (any more): refresh the functions panel.`);
}

function prettyJson(value: JSONValue | undefined): string {
  return JSON.stringify(value ?? null, null, 2);
}

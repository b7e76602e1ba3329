// Reads a client's message: JSON of one of the protocol's shapes, checked enough that the session
// can act on it without guessing. Anything else is a ProtocolError (the session ends with it).
import type { JSONValue } from "../store/types";
import { type AddQuery, type ClientMessage, ProtocolError, type RemoveQuery } from "./protocol";

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

export function parseClientMessage(text: string): ClientMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw new ProtocolError("A message that is not JSON arrived on the sync WebSocket.");
  }
  if (!isObject(message)) throw new ProtocolError("A sync message must be a JSON object.");
  switch (message.type) {
    case "Connect":
      if (typeof message.sessionId !== "string") throw new ProtocolError("Connect needs a sessionId.");
      return message as ClientMessage;
    case "ModifyQuerySet":
      if (!isCount(message.baseVersion) || !isCount(message.newVersion) || !Array.isArray(message.modifications))
        throw new ProtocolError("ModifyQuerySet needs baseVersion, newVersion and modifications.");
      for (const modification of message.modifications as unknown[]) checkModification(modification);
      return message as ClientMessage;
    case "Mutation":
    case "Action":
      if (!isCount(message.requestId) || typeof message.udfPath !== "string" || !Array.isArray(message.args))
        throw new ProtocolError(`${message.type} needs requestId, udfPath and args.`);
      return message as ClientMessage;
    case "Authenticate":
      if (!isCount(message.baseVersion) || !["User", "Admin", "None"].includes(message.tokenType as string))
        throw new ProtocolError("Authenticate needs baseVersion and a tokenType of User, Admin or None.");
      if (message.tokenType !== "None" && typeof message.value !== "string")
        throw new ProtocolError("Authenticate needs the token as value.");
      return message as ClientMessage;
    case "Event":
      return message as ClientMessage;
    default:
      throw new ProtocolError(`Unknown sync message type ${JSON.stringify(message.type)}.`);
  }
}

function checkModification(modification: unknown): asserts modification is AddQuery | RemoveQuery {
  if (!isObject(modification) || !isCount(modification.queryId)) throw new ProtocolError("A query modification needs a queryId.");
  if (modification.type === "Remove") return;
  if (modification.type !== "Add" || typeof modification.udfPath !== "string" || !Array.isArray(modification.args))
    throw new ProtocolError("An Add modification needs udfPath and args.");
}

/** What a call with malformed arguments is told. */
export const BAD_ARGS = "A function's args must be an array holding one object.";

/** The arguments object of a call (the client sends `[args]`), or null when malformed. */
export function argsObject(args: JSONValue[]): JSONValue | null {
  const [first] = args;
  return args.length === 1 && isObject(first) ? (first as JSONValue) : null;
}

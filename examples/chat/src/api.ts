// The page's references to the functions in convex/. A Convex app imports them from
// convex/_generated/api, which `npx convex dev` (or `npx convex codegen`) writes; but codegen needs
// a deployment (CONVEX_DEPLOYMENT), and this example has none: Convex Lens runs it without one. At
// run time the generated `api` is `anyApi` from convex/server, so that is what the page uses; the
// types are what codegen would derive from convex/messages.ts.
import { anyApi, type FunctionReference } from "convex/server";
import type { GenericId } from "convex/values";

/** A document of the `messages` table (convex/schema.ts). */
export interface Message {
  _id: GenericId<"messages">;
  _creationTime: number;
  author: string;
  body: string;
  format: "text" | "image";
  storageId?: GenericId<"_storage">;
}

interface Api {
  messages: {
    list: FunctionReference<"query", "public", { limit?: number }, Message[]>;
    send: FunctionReference<"mutation", "public", { author: string; body: string }, GenericId<"messages">>;
  };
}

export const api = anyApi as unknown as Api;

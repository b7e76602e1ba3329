import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";

const http = httpRouter();

// Post a message: curl -d '{"author":"ada","body":"hello"}' -H 'content-type: application/json' $SITE/postMessage
http.route({
  path: "/postMessage",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const { author, body } = await request.json();
    if (typeof author !== "string" || typeof body !== "string") {
      return new Response('Send JSON like {"author": "ada", "body": "hello"}', { status: 400 });
    }
    const id = await ctx.runMutation(internal.messages.sendOne, { author, body: `Sent via HTTP action: ${body}` });
    return Response.json({ id });
  }),
});

// Read them back: curl "$SITE/getMessagesByAuthor?author=ada"
http.route({
  path: "/getMessagesByAuthor",
  method: "GET",
  handler: httpAction(async (ctx, request) => {
    const author = new URL(request.url).searchParams.get("author");
    if (!author) return new Response("Add ?author=<name> to the URL", { status: 400 });
    const messages = await ctx.runQuery(internal.messages.byAuthor, { author });
    return Response.json(messages);
  }),
});

// One message by id, under a path prefix: curl "$SITE/messages/<id>"
http.route({
  pathPrefix: "/messages/",
  method: "GET",
  handler: httpAction(async (ctx, request) => {
    const id = new URL(request.url).pathname.slice("/messages/".length);
    const message = await ctx.runQuery(internal.messages.get, { id: id as Id<"messages"> }).catch(() => null);
    if (!message) return new Response(`No message with id ${id}`, { status: 404 });
    return Response.json(message);
  }),
});

// Upload an image: curl --data-binary @cat.png -H 'content-type: image/png' "$SITE/sendImage?author=ada"
http.route({
  path: "/sendImage",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const blob = await request.blob();
    const storageId = await ctx.storage.store(blob);
    const author = new URL(request.url).searchParams.get("author") ?? "anonymous";
    await ctx.runMutation(api.messages.sendImage, { storageId, author });
    return new Response(JSON.stringify({ storageId }), {
      status: 200,
      headers: new Headers({
        "Access-Control-Allow-Origin": process.env.CLIENT_ORIGIN ?? "http://localhost:5173",
        "Content-Type": "application/json",
        Vary: "origin",
      }),
    });
  }),
});

// The browser's preflight for /sendImage.
http.route({
  path: "/sendImage",
  method: "OPTIONS",
  handler: httpAction(async (_, request) => {
    const headers = request.headers;
    if (
      headers.get("Origin") !== null &&
      headers.get("Access-Control-Request-Method") !== null &&
      headers.get("Access-Control-Request-Headers") !== null
    ) {
      return new Response(null, {
        headers: new Headers({
          "Access-Control-Allow-Origin": process.env.CLIENT_ORIGIN ?? "http://localhost:5173",
          "Access-Control-Allow-Methods": "POST",
          "Access-Control-Allow-Headers": "Content-Type, Digest",
          "Access-Control-Max-Age": "86400",
        }),
      });
    }
    return new Response();
  }),
});

// Serve an uploaded image: curl "$SITE/getImage?storageId=<id>" --output image.png
http.route({
  path: "/getImage",
  method: "GET",
  handler: httpAction(async (ctx, request) => {
    const storageId = new URL(request.url).searchParams.get("storageId") as Id<"_storage"> | null;
    const blob = storageId ? await ctx.storage.get(storageId) : null;
    if (!blob) return new Response("Image not found", { status: 404 });
    return new Response(blob);
  }),
});

// Who am I? Needs `Authorization: Bearer <jwt>` from a provider in auth.config.ts.
http.route({
  path: "/me",
  method: "GET",
  handler: httpAction(async (ctx) => {
    const identity = await ctx.auth.getUserIdentity();
    if (identity === null) return new Response("Unauthenticated: send Authorization: Bearer <jwt>", { status: 401 });
    return Response.json({ subject: identity.subject, issuer: identity.issuer, name: identity.name ?? null });
  }),
});

export default http;

// Server-Sent Events parsed as the HTML standard says, also when the text arrives in pieces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EventStreamParser, isEventStream, parseEventStream } from "../../runtime/http-files/event-stream";

test("events: type, id, data lines joined, comments and unknown fields ignored", () => {
  const events = parseEventStream(
    [
      ": a comment",
      "event: token",
      "id: 1",
      'data: {"text":"Hel',
      'data: lo"}',
      "colour: blue",
      "",
      "data:no space after the colon",
      "",
      "retry: 3000",
      "data",
      "",
      "",
    ].join("\n"),
  );
  assert.deepEqual(events, [
    { event: "token", id: "1", data: '{"text":"Hel\nlo"}', retry: null },
    // The id carries over to later events; the type does not.
    { event: "message", id: "1", data: "no space after the colon", retry: null },
    { event: "message", id: "1", data: "", retry: 3000 },
  ]);
});

test("an event without data is not dispatched, and neither is one the stream cut off", () => {
  assert.deepEqual(parseEventStream("event: ping\n\ndata: last"), []);
  assert.deepEqual(
    parseEventStream("id: 7\n\ndata: x\n\n").map((e) => e.id),
    ["7"],
  );
});

test("pieces split anywhere, CRLF and lone CR line ends, and a leading BOM give the same events", () => {
  const text = "\uFEFFevent: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n";
  const whole = parseEventStream(text);
  assert.deepEqual(
    whole.map((e) => `${e.event}:${e.data}`),
    ["a:1", "b:2", "message:3"],
  );
  for (let size = 1; size <= 5; size++) {
    const parser = new EventStreamParser();
    const events = [];
    for (let at = 0; at < text.length; at += size) events.push(...parser.push(text.slice(at, at + size)));
    events.push(...parser.end());
    assert.deepEqual(events, whole, `pieces of ${size}`);
  }
});

test("each event comes out as soon as its blank line arrives", () => {
  const parser = new EventStreamParser();
  assert.deepEqual(parser.push("data: one\n"), []);
  assert.deepEqual(
    parser.push("\ndata: tw").map((e) => e.data),
    ["one"],
  );
  assert.deepEqual(
    parser.push("o\n\n").map((e) => e.data),
    ["two"],
  );
});

test("the content type decides what is an event stream", () => {
  assert.equal(isEventStream("text/event-stream"), true);
  assert.equal(isEventStream("Text/Event-Stream; charset=utf-8"), true);
  assert.equal(isEventStream("text/plain"), false);
  assert.equal(isEventStream(null), false);
});

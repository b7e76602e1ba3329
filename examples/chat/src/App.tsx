// The whole loop on one page: the list is a live query, so a message stored by anything (this
// form's mutation, POST /postMessage from curl or from VS Code) shows up without a reload.
import { useMutation, useQuery } from "convex/react";
import { type FormEvent, useState } from "react";
import { api } from "./api";

export function App() {
  const messages = useQuery(api.messages.list, {});
  const send = useMutation(api.messages.send);
  const [author, setAuthor] = useState("ada");
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | null>(null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (body.trim() === "") return;
    setError(null);
    send({ author, body })
      .then(() => setBody(""))
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  };

  return (
    <main>
      <h1>Chat</h1>
      <form id="send-form" onSubmit={onSubmit}>
        <input name="author" aria-label="Author" value={author} onChange={(event) => setAuthor(event.target.value)} />
        <input
          name="body"
          aria-label="Message"
          placeholder="Say something"
          value={body}
          onChange={(event) => setBody(event.target.value)}
        />
        <button type="submit">Send</button>
      </form>
      {error && (
        <p id="send-error" role="alert">
          {error}
        </p>
      )}
      {messages === undefined ? (
        <p id="loading">Loading…</p>
      ) : (
        <ul id="messages" data-count={messages.length}>
          {messages.map((message) => (
            <li key={message._id} className="message" data-id={message._id}>
              <strong className="author">{message.author}</strong>: <span className="body">{message.body}</span>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

// Starts the panel the host page asks for with `<body data-panel="…">`. No toolkit import here
// (main.ts registers it first), so tests can start panels in a plain test DOM.
import { connectHost, type HostEvent, type HostWindow } from "./host-bridge";
import { isHostMessage } from "./protocol/messages";
import { startResponsePanel } from "./response/response-panel";
import { responseCss } from "./response/response-styles";
import { isResponseMemory } from "./response/saved-state";
import { startFunctionsPanel } from "./functions/functions-panel";
import { functionsCss } from "./functions/functions-styles";
import { isFunctionsMemory } from "./functions/saved-state";
import { adoptStyles, baseCss } from "./styles";
import { startLogPanel } from "./logs/log-panel";
import { isLogsMemory } from "./logs/log-memory";
import { logsCss } from "./logs/log-styles";
import { actAsCss } from "./auth/act-as-styles";

export interface StartedPanel {
  dispose(): void;
}

/**
 * The host messages written into the page (`<body data-messages="[…]">`, JSON): what the panel
 * shows first, without waiting for the host to answer `ready`. Anything malformed is left out.
 */
export function pageMessages(body: HTMLElement): HostEvent[] {
  const text = body.dataset.messages;
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((m): m is HostEvent => isHostMessage(m) && m.type !== "reply") : [];
  } catch {
    return [];
  }
}

export function startPanel(win: HostWindow & { document: Document }): StartedPanel | null {
  const doc = win.document;
  const name = doc.body.dataset.panel ?? "";
  const root = doc.createElement("main");
  root.id = "root";
  doc.body.appendChild(root);
  switch (name) {
    case "response":
      adoptStyles(doc, baseCss, responseCss + actAsCss);
      return startResponsePanel(root, connectHost(win, { isState: isResponseMemory }), pageMessages(doc.body));
    case "functions":
      adoptStyles(doc, baseCss, functionsCss + actAsCss);
      return startFunctionsPanel(root, connectHost(win, { isState: isFunctionsMemory }));
    case "logs":
      // The response panel's sheet styles the drilldown's execution tree, which it shares.
      adoptStyles(doc, baseCss, responseCss, logsCss);
      return startLogPanel(root, connectHost(win, { isState: isLogsMemory }));
    default:
      adoptStyles(doc, baseCss);
      root.textContent = `Convex Lens has no panel named "${name}".`;
      return null;
  }
}

// Starts the panel the host page asks for with `<body data-panel="…">`. No toolkit import here
// (main.ts registers it first), so tests can start panels in a plain test DOM.
import { connectHost, type HostWindow } from "./host-bridge";
import { startResponsePanel } from "./response/response-panel";
import { responseCss } from "./response/response-styles";
import { isResponseMemory } from "./response/saved-state";
import { adoptStyles, baseCss } from "./styles";

export interface StartedPanel {
  dispose(): void;
}

export function startPanel(win: HostWindow & { document: Document }): StartedPanel | null {
  const doc = win.document;
  const name = doc.body.dataset.panel ?? "";
  const root = doc.createElement("main");
  root.id = "root";
  doc.body.appendChild(root);
  switch (name) {
    case "response":
      adoptStyles(doc, baseCss, responseCss);
      return startResponsePanel(root, connectHost(win, { isState: isResponseMemory }));
    default:
      adoptStyles(doc, baseCss);
      root.textContent = `Convex Lens has no panel named "${name}".`;
      return null;
  }
}

// Browser entry of every Convex Lens panel (bundled into dist/webview.js). The host page names
// the panel in `<body data-panel="…">`; the toolkit is registered before any panel builds DOM.
import { registerToolkit } from "./components/register";
import type { VsCodeApi } from "./host-bridge";
import { startPanel } from "./start";

declare global {
  interface Window {
    acquireVsCodeApi?: () => VsCodeApi;
  }
}

registerToolkit();
startPanel(window);

import { ConvexProvider, ConvexReactClient } from "convex/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";

const root = createRoot(document.getElementById("root")!);
const url = import.meta.env.VITE_CONVEX_URL;

if (url) {
  const convex = new ConvexReactClient(url);
  root.render(
    <StrictMode>
      <ConvexProvider client={convex}>
        <App />
      </ConvexProvider>
    </StrictMode>,
  );
} else {
  // ConvexReactClient would throw on a missing URL; say instead where the page should connect.
  root.render(
    <p id="missing-url">
      Set VITE_CONVEX_URL to the Convex API origin, e.g. <code>VITE_CONVEX_URL=http://127.0.0.1:3310 npm run dev</code> while Convex Lens
      serves this project.
    </p>,
  );
}

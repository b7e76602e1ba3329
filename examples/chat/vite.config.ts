// The example's web front end: `VITE_CONVEX_URL=http://127.0.0.1:3310 npm run dev` while Convex
// Lens serves this folder (the URL is the runtime's API origin, where ConvexReactClient connects).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
});

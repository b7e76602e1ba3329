/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The Convex deployment the page talks to; for Convex Lens, its API origin (http://127.0.0.1:3310). */
  readonly VITE_CONVEX_URL?: string;
}

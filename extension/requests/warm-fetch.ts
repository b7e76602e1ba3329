// VS Code's extension host sets up its `fetch` (proxy resolution, the system's certificates) on
// the first call: 350–400 ms of the extension host's thread on a loaded 2-core machine, which the
// first Send request paid (bench figure 11). One request to the runtime's API origin once it
// serves (a 404 from its router: no user code runs, nothing is logged) pays it before the user
// clicks.
export function warmUpFetch(apiUrl: string): void {
  // After the "ready" listeners (status bar, lenses, tree) have run.
  setTimeout(() => {
    // The same options as a send (redirect: "manual" takes its own path through VS Code's fetch).
    fetch(`${apiUrl}/convex-lens-warm-up`, { redirect: "manual" })
      .then((response) => response.body?.cancel())
      .catch(() => undefined);
  }, 100).unref();
}

// The Live queries tab's behaviour: keeps the list the host pushes (it comes on "ready" and when a
// client subscribes, unsubscribes, disconnects or gets a new result), draws it again every few
// seconds so "Updated" stays true, and hands "Run" to the Functions tab. live-queries-view.ts draws.
import type { LiveQueriesView, LiveQueryView } from "../protocol/functions";
import { liveQueriesView } from "./live-queries-view";
import type { PanelContext } from "./panel-context";

/** "Updated 12 s ago" is redrawn this often while the tab has queries. */
const AGO_REFRESH_MS = 5000;

export interface LiveQueriesTab {
  receive(live: LiveQueriesView): void;
  render(): void;
  /** Queries listed now (the tab's badge). */
  count(): number;
  dispose(): void;
}

export function liveQueriesTab(context: PanelContext, slot: HTMLElement, run: (query: LiveQueryView) => void): LiveQueriesTab {
  let live: LiveQueriesView | null = null;
  const timer = setInterval(() => {
    if ((live?.queries.length ?? 0) > 0) render();
  }, AGO_REFRESH_MS);

  function render() {
    if (context.disposed()) return;
    slot.replaceChildren(liveQueriesView(context.ui, live, context.ready(), Date.now(), { run }));
  }

  return {
    receive(next) {
      live = next;
      render();
    },
    render,
    count: () => live?.queries.length ?? 0,
    dispose: () => clearInterval(timer),
  };
}

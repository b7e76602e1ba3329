// Shutting down: running jobs get a bounded time to finish before the runtime stops under them.

/** Waits until every promise has settled, or `waitMs` has passed, whichever comes first. */
export async function settleWithin(promises: readonly Promise<unknown>[], waitMs: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(promises), timeout]);
  clearTimeout(timer);
}

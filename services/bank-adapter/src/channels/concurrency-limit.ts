// At most `limit` calls in flight to one channel from this replica; the rest wait in arrival order.
// The channel's own capacity is the reason: flooding a slow bank only turns slowness into timeouts,
// and every timeout on a debit is an UNKNOWN someone has to resolve.
export type ConcurrencyLimit = {
  run<T>(fn: () => Promise<T>): Promise<T>;
  readonly inFlight: number;
  readonly waiting: number;
};

export function createConcurrencyLimit(limit: number): ConcurrencyLimit {
  let inFlight = 0;
  const queue: (() => void)[] = [];

  function release(): void {
    const next = queue.shift();
    if (next !== undefined) next();
    else inFlight -= 1;
  }

  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (inFlight < limit) inFlight += 1;
      // The slot is handed over by release(), so inFlight stays counted while the waiter starts.
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await fn();
      } finally {
        release();
      }
    },
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return queue.length;
    },
  };
}

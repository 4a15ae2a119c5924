// Group commit for the sending path's records: the writes that arrive while one transaction is being
// written wait for it and then go together in the next. Each submit and each delivery receipt used to
// be its own transaction, so the SMS rate was the number of fsync'd commits Postgres could do one
// after the other for 20 messages in flight (about 250/s); together, one commit carries as many
// messages as finished meanwhile, and the batch grows with the load by itself (no timer, no waiting
// when idle). Not a use case of its own: the dispatcher and the SMSC inbound handler use it.
//
// A batch that fails is written again one item at a time, so one bad item fails alone and the others
// are not held back; not when Postgres is down, which would fail each item again (every one waiting
// for its connection), so then the whole batch fails at once. The callers already treat a failed
// write as retryable (the lease runs out, or the SMSC resends the receipt).
import { dependencyDown } from '@gateway/kit';

export type GroupCommit<I, R> = (item: I) => Promise<R>;

export type GroupCommitOptions<I, R> = {
  /** Writes the items in one transaction and returns one result per item, in order. */
  write: (items: I[]) => Promise<R[]>;
  /** The most items one transaction takes. */
  maxBatch: number;
};

type Pending<I, R> = { item: I; resolve: (result: R) => void; reject: (error: unknown) => void };

export function createGroupCommit<I, R>(options: GroupCommitOptions<I, R>): GroupCommit<I, R> {
  const queue: Pending<I, R>[] = [];
  let writing = false;

  async function writeBatch(batch: Pending<I, R>[]): Promise<void> {
    try {
      const results = await options.write(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1 || dependencyDown(error) !== undefined) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      for (const pending of batch) await writeBatch([pending]);
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    // One tick first, so that the items finishing in the same turn of the event loop share a commit.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0) await writeBatch(queue.splice(0, options.maxBatch));
    writing = false;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!writing) void drain();
    });
}

import { describe, expect, it } from '@jest/globals';
import { testLogger, waitFor } from '@gateway/testkit';
import { createLateFeeScheduler } from '../src/jobs/late-fee.scheduler.ts';

describe('late-fee scheduler', () => {
  it('runs once at start for the local date, then aims at the next Damascus midnight', async () => {
    const dates: string[] = [];
    // 23:30 in Damascus on 2026-06-30: the local date is still the 30th though UTC says the 30th too.
    const scheduler = createLateFeeScheduler({
      logger: testLogger(),
      clock: () => new Date('2026-06-30T20:30:00Z'),
      run: (date) => {
        dates.push(date);
        return Promise.resolve();
      },
    });
    scheduler.start();
    await waitFor(() => scheduler.nextRunAt() !== undefined, { timeoutMs: 2_000, message: 'scheduled' });
    await scheduler.stop();
    expect(dates).toEqual(['2026-06-30']);
    expect(scheduler.nextRunAt()?.toISOString()).toBe('2026-06-30T21:00:01.000Z');
  });
});

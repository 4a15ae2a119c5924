// A campaign of 10,000 recipients through the real runner, dispatcher and SMPP client against the
// simulator, whose licence cap is set to the client's rate: the throttle must hold (the SMSC never
// has to refuse a submit, and no second of traffic goes over the rate), the campaign must survive a
// restart of the sending side mid-way, and every recipient must get exactly one message.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testLogger, waitFor } from '@gateway/testkit';
import { withTransaction } from '@gateway/kit';
import { createCampaignRunner } from '../src/jobs/campaign.runner.ts';
import { createCampaign, getCampaignProgress } from '../src/store/pg-campaign-store.ts';
import { seedContacts } from './support/contacts-fixture.ts';
import { startHarness } from './support/notification-harness.ts';
import type { Harness } from './support/notification-harness.ts';

const recipients = 10_000;
const rate = 400;
let h: Harness;

beforeAll(async () => {
  // Receipts are held back (other tests cover them), so the machine's effort goes into sending.
  h = await startHarness({ kafka: false, ratePerSecond: rate, window: 10, receiptDelayMs: 600_000 });
  await h.control({ maxSubmitsPerSecond: rate });
});

afterAll(async () => {
  await h?.close();
});

/** The most submits the SMSC received in any one-second window, from its own arrival times. */
function peakPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

describe('a campaign of 10,000 recipients', () => {
  it('is sent at the licensed rate, resumes after a restart, reports progress, and reaches each recipient once', async () => {
    const numbers = Array.from({ length: recipients }, (_, i) => `+963955${String(i).padStart(6, '0')}`);
    await seedContacts(
      h.db.pool,
      numbers.map((msisdn, i) => ({ accountNo: `011${String(2_000_000 + i)}`, msisdn, governorate: i % 2 === 0 ? 'damascus' : 'aleppo' })),
    );
    const campaign = await withTransaction(h.db.pool, (client) =>
      createCampaign(client, {
        name: 'Pay electronically',
        text: { ar: 'ادفع فاتورتك من تطبيق مصرفك.', en: null },
        segment: {},
        startAt: new Date(),
        createdBy: 'ops-console',
        now: new Date(),
      }),
    );
    const runner = createCampaignRunner({ pool: h.db.pool, logger: testLogger('campaign'), batchSize: 1_000, pollMs: 100 });
    runner.start();
    try {
      await waitFor(async () => (await getCampaignProgress(h.db.pool, campaign.campaignId))!.recipients === recipients, { timeoutMs: 60_000, message: 'recipients queued' });

      // A third of the way, the sending side stops as a process would, and a fresh one takes over.
      await waitFor(async () => (await h.stats())['accepted']! >= recipients / 3, { timeoutMs: 120_000, message: 'a third sent' });
      await h.restartSending();

      await waitFor(async () => (await getCampaignProgress(h.db.pool, campaign.campaignId))!.state === 'completed', {
        timeoutMs: 180_000,
        intervalMs: 500,
        message: 'campaign completed',
      });
    } finally {
      await runner.stop();
    }

    const progress = (await getCampaignProgress(h.db.pool, campaign.campaignId))!;
    expect(progress.counts.queued).toBe(0);
    expect(progress.counts.submitted).toBe(recipients);

    const received = (await h.received()).filter((m) => m.text === 'ادفع فاتورتك من تطبيق مصرفك.');
    expect(received).toHaveLength(recipients);
    expect(new Set(received.map((m) => m.to)).size).toBe(recipients);

    const stats = await h.stats();
    expect(stats['throttled']).toBe(0);
    expect(peakPerSecond(received.map((m) => Date.parse(m.receivedAt)))).toBeLessThanOrEqual(rate);
    // At least 25 s of sending at 400/s: generous for a loaded CI machine.
  }, 240_000);
});

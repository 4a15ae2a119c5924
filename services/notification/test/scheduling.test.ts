// Quiet hours and reminders against the real dispatcher, database and SMSC simulator, with the
// service's clock set to chosen local times (Asia/Damascus, UTC+3).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { money } from '@gateway/contracts';
import { testLogger, waitFor } from '@gateway/testkit';
import { parseQuietHours } from '../src/domain/quiet-hours.ts';
import { renderSms } from '../src/domain/sms-templates.ts';
import { createReminderScheduler } from '../src/jobs/reminder.scheduler.ts';
import { enqueueSms } from '../src/store/pg-message-store.ts';
import { seedContacts } from './support/contacts-fixture.ts';
import { startHarness } from './support/notification-harness.ts';
import type { Harness } from './support/notification-harness.ts';

let now = new Date('2026-11-29T20:30:00Z'); // 23:30 in Damascus: quiet
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ kafka: false, quietHours: parseQuietHours('22:00-08:00'), clock: () => now });
});

afterAll(async () => {
  await h?.close();
});

const sms = (to: string, template: 'bill_issued' | 'payment_receipt', urgent: boolean) => ({
  dedupeKey: `quiet:${template}:${to}`,
  recipient: to,
  template,
  locale: 'en' as const,
  accountNo: '0112345678',
  sourceEventId: null,
  body: `${template} for ${to}`,
  urgent,
  notBefore: now,
  correlationId: null,
});

describe('quiet hours', () => {
  it('sends a receipt at 23:30 at once and holds a bill notice until 08:00', async () => {
    await enqueueSms(h.db.pool, [sms('+963944300001', 'bill_issued', false), sms('+963944300001', 'payment_receipt', true)]);
    h.dispatcher.wake();
    await waitFor(async () => (await h.received('+963944300001')).length === 1, { timeoutMs: 10_000, message: 'receipt sent' });
    await waitFor(async () => {
      const { rows } = await h.db.pool.query<{ not_before: Date }>(`SELECT not_before FROM sms_messages WHERE dedupe_key = 'quiet:bill_issued:+963944300001'`);
      return rows[0]?.not_before.toISOString() === '2026-11-30T05:00:00.000Z';
    }, { timeoutMs: 10_000, message: 'notice deferred to 08:00 local' });
    expect((await h.received('+963944300001')).map((m) => m.text)).toEqual(['payment_receipt for +963944300001']);

    // The morning comes: the notice goes.
    now = new Date('2026-11-30T05:00:00Z');
    h.dispatcher.wake();
    await waitFor(async () => (await h.received('+963944300001')).length === 2, { timeoutMs: 10_000, message: 'notice sent at 08:00' });
  });
});

describe('reminders', () => {
  it('queues one reminder per unpaid bill due in the configured lead, at the local reminder time, once', async () => {
    await seedContacts(h.db.pool, [
      { billId: 'rem-due-in-3', accountNo: '0113000001', msisdn: '+963944310001', locale: 'ar', dueDate: '2026-12-03', amountDue: 250_000, status: 'open' },
      { billId: 'rem-paid', accountNo: '0113000002', msisdn: '+963944310002', locale: 'ar', dueDate: '2026-12-03', amountDue: 0, status: 'paid' },
      { billId: 'rem-due-in-4', accountNo: '0113000003', msisdn: '+963944310003', locale: 'ar', dueDate: '2026-12-04', amountDue: 250_000, status: 'open' },
      { billId: 'rem-no-mobile', accountNo: '0113000004', msisdn: null, locale: 'ar', dueDate: '2026-12-03', amountDue: 250_000, status: 'open' },
    ]);
    const scheduler = createReminderScheduler({ pool: h.db.pool, logger: testLogger('reminders'), daysBefore: [3], localTime: '10:00', intervalMs: 60_000, clock: () => now });

    now = new Date('2026-11-30T06:59:00Z'); // 09:59 local
    expect(await scheduler.runOnce()).toBe(0);
    now = new Date('2026-11-30T07:00:00Z'); // 10:00 local
    expect(await scheduler.runOnce()).toBe(1);
    expect(await scheduler.runOnce()).toBe(0);

    const { rows } = await h.db.pool.query<{ recipient: string; body: string }>(`SELECT recipient, body FROM sms_messages WHERE template = 'bill_reminder'`);
    expect(rows).toEqual([
      {
        recipient: '+963944310001',
        body: renderSms('bill_reminder', 'ar', { accountNo: '0113000001', amountDue: money(250_000, 'SYP'), dueDate: '2026-12-03', daysBefore: 3 }),
      },
    ]);
    h.dispatcher.wake();
    await waitFor(async () => (await h.received('+963944310001')).length === 1, { timeoutMs: 10_000, message: 'reminder sent' });
  });
});

// Issue 10 item 3 across both services: payment orchestration (its intent harness) and the bank
// adapter (its harness) on the same command and result topics, against the bank simulator over real
// HTTP. The bank queues the debit and says nothing; its status inquiry answers "not found" for a
// while (long past the old 10 s rule, past the whole backoff list); then it applies the debit. The
// intent stays unknown with its bill held all along, then succeeds, and the bill is paid once.
import { expect, it } from '@jest/globals';
import type { IntentResponse } from '@gateway/contracts';
import { waitFor } from '@gateway/testkit';
import { payers, testTimings } from '../../bank-adapter/test/support/adapter-harness.ts';
import { acrossServices, bankIntentLeftUnknown } from './support/across-services.ts';

const both = acrossServices();

it('timeout → not found for a while → the queued debit appears: the intent succeeds and the bill is paid once', async () => {
  const { h, adapter } = both;
  const bank = adapter.simulators['bank-alpha'];
  const payer = payers['bank-alpha'];
  const before = bank.state.balanceOf(payer.accountNo!);
  const bill = await h.issueBill();

  // The bank takes the debit into its queue: no reply (the adapter times out), applied 6 s later.
  const intent = await bankIntentLeftUnknown(both, bill, { queueDebitsMs: 6_000 }, { queueDebitsMs: 0 });

  // "Not found", again and again, more times than the backoff list is long: still unknown, bill held.
  const budget = testTimings.statusInquiry.backoffMs.length;
  await waitFor(async () => Number((await adapter.debitRow(intent.intentId))?.['attempts'] ?? 0) > budget, {
    timeoutMs: 15_000,
    message: `more than ${budget} not-found inquiries`,
  });
  expect(await adapter.debitRow(intent.intentId)).toMatchObject({ state: 'unknown', last_error: expect.stringMatching(/not found/) });
  expect((await h.send<IntentResponse>('GET', `/v1/payment-intents/${intent.intentId}`)).body.status).toBe('unknown');
  expect(await h.count('intent_bills', 'bill_id = $1 AND held', [bill.billId])).toBe(1);
  expect(await bank.transactions(intent.intentId)).toEqual([]);

  // The bank applies the queued debit; the next inquiry finds it.
  const done = await h.waitForStatus(intent.intentId, 'succeeded', 20_000);
  expect(done.paymentId).toEqual(expect.any(String));
  const txns = await bank.transactions(intent.intentId);
  expect(txns).toEqual([expect.objectContaining({ reference: intent.intentId, status: 'succeeded', amount: intent.amount })]);
  expect(bank.state.balanceOf(payer.accountNo!)).toBe(before - intent.amount.amount);
  expect(await h.count('payment_allocations', 'bill_id = $1', [bill.billId])).toBe(1);
  expect(await h.count('intent_reconciliation', 'intent_id = $1', [intent.intentId])).toBe(0);
});

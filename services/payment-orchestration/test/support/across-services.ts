// Tests across payment orchestration and the bank adapter: both harnesses on the same command and
// result topics, against the channel simulators over real HTTP.
import { afterAll, beforeAll, expect } from '@jest/globals';
import type { BillSnapshot, IntentResponse } from '@gateway/contracts';
import { payers, startAdapterHarness } from '../../../bank-adapter/test/support/adapter-harness.ts';
import type { AdapterHarness } from '../../../bank-adapter/test/support/adapter-harness.ts';
import { startIntentHarness } from './intent-harness.ts';
import type { IntentHarness } from './intent-harness.ts';

export type AcrossServices = { h: IntentHarness; adapter: AdapterHarness };

/** Starts both harnesses for the test file (before all its tests) and closes them after. */
export function acrossServices(): AcrossServices {
  const both = {} as AcrossServices;
  beforeAll(async () => {
    both.h = await startIntentHarness();
    both.adapter = await startAdapterHarness({ topics: { commands: both.h.topics.commands, results: both.h.topics.results } });
  });
  afterAll(async () => {
    await both.adapter?.close();
    await both.h?.close();
  });
  return both;
}

/**
 * A bank-alpha intent for the whole of `bill`, created while the bank has `fault`, and left `unknown`
 * (the adapter heard nothing). `whileUnknown` runs before the fault is lifted with `lift`.
 */
export async function bankIntentLeftUnknown(
  { h, adapter }: AcrossServices,
  bill: BillSnapshot,
  fault: Record<string, unknown>,
  lift: Record<string, unknown>,
  whileUnknown?: () => void,
): Promise<IntentResponse> {
  const bank = adapter.simulators['bank-alpha'];
  await bank.control(fault);
  try {
    const created = await h.send<IntentResponse>('POST', '/v1/payment-intents', {
      body: { billerId: bill.billerId, accountNo: bill.accountNo, billIds: [bill.billId], amount: bill.amountDue, channelId: 'bank-alpha', payer: { accountNo: payers['bank-alpha'].accountNo } },
    });
    expect(created.status).toBe(201);
    // Generous: on a loaded machine the adapter's first debit and its timeout take a while.
    await h.waitForStatus(created.body.intentId, 'unknown', 40_000);
    whileUnknown?.();
    return created.body;
  } finally {
    await bank.control(lift);
  }
}

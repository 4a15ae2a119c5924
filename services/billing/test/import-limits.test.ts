// The size of one imported bill (issue 10, item 8), over real Postgres and Redis: a bill with 20,000
// lines used to be accepted (202) although its bill.issued was too large for Kafka, so the outbox
// parked it and the bill never reached the channels. Now a bill over BILL_MAX_LINES lines or
// BILL_MAX_BYTES bytes is a rejected row with its reason, and the rest of the batch goes on.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillBatchResponse } from '@gateway/contracts';
import { defaultImportLimits } from '../src/domain/bill-import.ts';
import { aRow, startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';

const path = '/v1/bill-batches';
// Kafka's default max.message.bytes: a bill.issued above it is refused by the broker.
const kafkaMaxMessageBytes = 1_048_588;

/** `count` lines adding up to `count` × 10 SYP, each with a description of `descriptionLength` characters. */
function linesOf(count: number, descriptionLength = 40) {
  return Array.from({ length: count }, (_, i) => ({
    code: `L${i}`,
    description: `Call to 0944 ${String(i).padStart(6, '0')} `.padEnd(descriptionLength, '.'),
    amount: { amount: 10, currency: 'SYP' },
  }));
}

function aBillWithLines(count: number, descriptionLength?: number) {
  return aRow({ amount: { amount: count * 10, currency: 'SYP' }, lines: linesOf(count, descriptionLength) });
}

describe('bill import: how big one bill may be', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const counts = async () => ({ bills: await h.count('bills'), outbox: await h.count('outbox') });

  it('rejects a bill of 20,000 lines with its reason, and accepts the rest of the batch', async () => {
    const before = await counts();
    const huge = aBillWithLines(20_000);
    const res = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'limits-20000-lines', bills: [huge, aRow()] } });
    expect(res.status).toBe(202);
    expect(res.body.acceptedCount).toBe(1);
    expect(res.body.rejected).toEqual([
      { index: 0, externalBillId: huge.externalBillId, reason: `lines: 20000 line items, more than the ${defaultImportLimits.maxLines} a bill may have`, fields: ['lines'] },
    ]);
    expect(await counts()).toEqual({ bills: before.bills + 1, outbox: before.outbox + 1 });
  });

  it('rejects a bill within the line limit whose JSON is over the byte limit', async () => {
    // 900 lines of 500-character descriptions: some 500 KB, within 1,000 lines but over 256 KiB.
    const wide = aBillWithLines(900, 500);
    const res = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'limits-wide', bills: [wide] } });
    expect(res.body.acceptedCount).toBe(0);
    expect(res.body.rejected[0]!.reason).toMatch(new RegExp(`^\\(row\\): the bill is \\d+ bytes as JSON, more than the ${defaultImportLimits.maxBillBytes} a bill may be`));
  });

  it('accepts a bill at the line limit, and its bill.issued stays well under the size Kafka accepts', async () => {
    const full = aBillWithLines(defaultImportLimits.maxLines, 100);
    const res = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'limits-full', bills: [full] } });
    expect(res.body.acceptedCount).toBe(1);
    const { rows } = await h.db.pool.query<{ bytes: number }>(
      "SELECT octet_length(payload::text) AS bytes FROM outbox WHERE payload->>'type' = 'bill.issued' AND payload->'payload'->>'externalBillId' = $1",
      [full.externalBillId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.bytes).toBeLessThan(kafkaMaxMessageBytes / 2);
  });

  it('takes its limits from the route deps (BILL_MAX_LINES, BILL_MAX_BYTES in config)', async () => {
    const strict = await startHarness({ importLimits: { maxLines: 2, maxBillBytes: 100_000 } });
    try {
      const res = await strict.send<BillBatchResponse>('POST', path, { body: { batchId: 'limits-strict', bills: [aBillWithLines(3), aBillWithLines(2)] } });
      expect(res.body.accepted.map((a) => a.index)).toEqual([1]);
      expect(res.body.rejected.map((r) => [r.index, r.reason])).toEqual([[0, 'lines: 3 line items, more than the 2 a bill may have']]);
    } finally {
      await strict.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BillBatchResponse } from '@gateway/contracts';
import { aRow, startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';

describe('POST /v1/bill-batches with a full cycle', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('imports a 50,000-row batch, then answers its repeat from the record without writing', async () => {
    const rows = 50_000;
    const bills = Array.from({ length: rows }, (_, i) =>
      // Every tenth row is bad (a mobile number as the billing number), the rest are good.
      i % 10 === 9 ? aRow({ accountNo: '0944123456' }) : aRow(),
    );
    const body = { batchId: 'cycle-2026-01-full', bills };
    const first = await h.send<BillBatchResponse>('POST', '/v1/bill-batches', { body });
    expect(first.status).toBe(202);
    expect(first.body.acceptedCount).toBe(45_000);
    expect(first.body.rejectedCount).toBe(5_000);
    expect(first.body.accepted).toHaveLength(45_000);
    expect(first.body.rejected[0]).toMatchObject({ index: 9, fields: ['accountNo'] });
    expect(await h.count('bills')).toBe(45_000);
    expect(await h.count('accounts')).toBe(45_000);
    expect(await h.count('outbox')).toBe(45_000);

    const again = await h.send<BillBatchResponse>('POST', '/v1/bill-batches', { body });
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect({ ...again.body, replayed: false }).toEqual(first.body);
    expect(await h.count('bills')).toBe(45_000);
    expect(await h.count('outbox')).toBe(45_000);
  }, 240_000);
});

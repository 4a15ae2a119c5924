import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { billIssuedV1, parseEvent } from '@gateway/contracts';
import type { BillBatchResponse } from '@gateway/contracts';
import { defaultLateFeePolicy } from '../src/domain/late-fee-policy.ts';
import { billBatchBodyLimit } from '../src/http/bill-batches.route.ts';
import { importBillBatch } from '../src/flows/import-bill-batch.flow.ts';
import { aLandline, aRow, startHarness } from './support/import-harness.ts';
import type { Harness } from './support/import-harness.ts';

const path = '/v1/bill-batches';

describe('POST /v1/bill-batches', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function tableCounts() {
    return { bills: await h.count('bills'), accounts: await h.count('accounts'), entities: await h.count('entities'), outbox: await h.count('outbox'), batches: await h.count('bill_batches') };
  }

  it('imports a cycle, and the same cycle sent again changes nothing', async () => {
    const bills = [aRow(), aRow(), aRow({ lines: [{ code: 'RENT', description: 'Line rental', amount: { amount: 100_000, currency: 'SYP' } }, { code: 'CALLS', description: 'Calls', amount: { amount: 50_000, currency: 'SYP' } }], amount: { amount: 150_000, currency: 'SYP' } })];
    const body = { batchId: 'cycle-2026-01-a', bills };
    const first = await h.send<BillBatchResponse>('POST', path, { body, idempotencyKey: 'cycle-2026-01-a-key' });
    expect(first.status).toBe(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(first.body).toMatchObject({ batchId: 'cycle-2026-01-a', replayed: false, acceptedCount: 3, rejectedCount: 0, rejected: [] });
    expect(first.body.accepted.map((a) => a.index)).toEqual([0, 1, 2]);
    expect(first.body.accepted.every((a) => /^bil_[0-9a-f-]{36}$/.test(a.billId))).toBe(true);
    const before = await tableCounts();

    // A retry with the same key: the first answer, byte for byte.
    const retried = await h.send<BillBatchResponse>('POST', path, { body, idempotencyKey: 'cycle-2026-01-a-key' });
    expect(retried.status).toBe(202);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.payload).toBe(first.payload);
    expect(await tableCounts()).toEqual(before);

    // The same batchId under another key: the batch is known, so its stored answer, marked replayed.
    const again = await h.send<BillBatchResponse>('POST', path, { body, idempotencyKey: 'another-key' });
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(await tableCounts()).toEqual(before);

    // The whole cycle again under a new batchId: every bill is known with the same data, so each is
    // accepted with its original id and still nothing new is stored or announced.
    const resent = await h.send<BillBatchResponse>('POST', path, { body: { ...body, batchId: 'cycle-2026-01-a-resent' } });
    expect(resent.status).toBe(202);
    expect(resent.body.accepted).toEqual(first.body.accepted);
    expect(await tableCounts()).toEqual({ ...before, batches: before.batches + 1 });
  });

  it('announces each new bill with a bill.issued event keyed by account, in the outbox', async () => {
    const row = aRow({ holder: { name: 'Lina Saleh', class: 'individual', msisdn: '0933 123 456', locale: 'en' } });
    const res = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'cycle-events', bills: [row] } });
    const billId = res.body.accepted[0]!.billId;
    const { rows } = await h.db.pool.query<{ topic: string; key: string; payload: unknown }>("SELECT topic, key, payload FROM outbox WHERE payload->'payload'->>'billId' = $1", [billId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ topic: 'billing.bills', key: row['accountNo'] });
    const event = parseEvent(rows[0]!.payload);
    expect(event.type).toBe('bill.issued');
    const payload = billIssuedV1.parse(event.payload);
    // The status is derived for the day of the snapshot: open before the due date, overdue after.
    expect(['open', 'overdue']).toContain(payload.status);
    expect(payload).toMatchObject({
      billId,
      externalBillId: row['externalBillId'],
      accountNo: row['accountNo'],
      governorate: 'damascus',
      amount: row['amount'],
      amountDue: row['amount'],
      lateFee: { amount: 0, currency: 'SYP' },
      holder: { class: 'individual', name: 'Lina Saleh', msisdn: '+963933123456', entityId: null, locale: 'en' },
      revision: 1,
      lines: [],
    });
  });

  it('rejects each bad row with its reason and accepts the rest', async () => {
    const known = aRow();
    await h.send('POST', path, { body: { batchId: 'cycle-known', bills: [known] } });
    const duplicateId = `ext-dup-${Date.now()}`;
    const rows: [unknown, string, string[]?][] = [
      [aRow(), ''],
      [aRow({ accountNo: '0944123456' }), 'mobile number, not a landline', ['accountNo']],
      [aRow({ accountNo: '12345' }), 'not a valid Syrian landline', ['accountNo']],
      [aRow({ issueDate: '2026-02-10', dueDate: '2026-02-01' }), 'dueDate must not be before issueDate', ['dueDate']],
      [aRow({ period: { from: '2026-01-31', to: '2026-01-01' } }), 'period.from must not be after period.to', ['period.to']],
      [aRow({ amount: { amount: -5, currency: 'SYP' } }), 'amount must not be negative', ['amount.amount']],
      [aRow({ amount: { amount: 12.5, currency: 'SYP' } }), 'safe integer', ['amount.amount']],
      [aRow({ amount: { amount: 2 ** 53, currency: 'SYP' } }), 'safe integer', ['amount.amount']],
      [aRow({ amount: { amount: 1000, currency: 'XYZ' } }), 'currency XYZ is not a supported', ['amount.currency']],
      [aRow({ issueDate: '2026-01-32' }), 'real calendar date', ['issueDate']],
      [aRow({ holder: undefined }), 'is unknown and the row carries no holder data', ['accountNo', 'holder']],
      [aRow({ holder: { name: 'X', class: 'individual', msisdn: '0112345678' } }), 'not a mobile number', ['holder.msisdn']],
      [aRow({ holder: { name: 'X', class: 'business', msisdn: '0944123456', entityId: 'ent-1' } }), 'only a public_entity holder', ['holder.entityId']],
      [aRow({ lines: [{ code: 'RENT', description: 'Rental', amount: { amount: 1, currency: 'SYP' } }] }), 'add up to 1, not to the bill amount', ['lines']],
      [aRow({ externalBillId: duplicateId }), ''],
      [aRow({ externalBillId: duplicateId }), 'duplicate externalBillId', ['externalBillId']],
      [{ ...known, amount: { amount: 1, currency: 'SYP' } }, 'was already imported in batch cycle-known with different data', ['externalBillId']],
      [known, ''],
      ['not an object', 'expected object', ['(row)']],
      [aRow({ externalBillId: '' }), 'externalBillId', ['externalBillId']],
    ];
    const before = await h.count('bills');
    const res = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'cycle-mixed', bills: rows.map((r) => r[0]) } });
    expect(res.status).toBe(202);
    const expectedRejected = rows.flatMap(([, reason], index) => (reason === '' ? [] : [index]));
    expect(res.body.rejected.map((r) => r.index)).toEqual(expectedRejected);
    for (const rejection of res.body.rejected) {
      const [, reason, fields] = rows[rejection.index]!;
      expect(rejection.reason).toContain(reason);
      expect(rejection.fields).toEqual(fields);
    }
    expect(res.body.rejected.find((r) => r.index === 1)?.externalBillId).toBe((rows[1]![0] as { externalBillId: string }).externalBillId);
    expect(res.body.rejected.find((r) => r.index === 18)?.externalBillId).toBeNull();
    expect(res.body.accepted.map((a) => a.index)).toEqual([0, 14, 17]);
    expect(res.body).toMatchObject({ acceptedCount: 3, rejectedCount: rows.length - 3 });
    // Row 17 is the bill of cycle-known again: accepted, but not stored a second time.
    expect(await h.count('bills')).toBe(before + 2);
  });

  it('rejects rows with text or dates the database cannot hold, and keeps the batch', async () => {
    const nul = '\u0000';
    const lone = '\udc00';
    const rows: [unknown, string, string[]][] = [
      [aRow({ externalBillId: `ext-${nul}` }), 'externalBillId: must not contain NUL', ['externalBillId']],
      [aRow({ externalBillId: `ext-${lone}` }), 'externalBillId: must not contain NUL (U+0000) or unpaired surrogate', ['externalBillId']],
      [aRow({ holder: { name: `Rami${nul}`, class: 'individual', msisdn: '0944123456' } }), 'holder.name', ['holder.name']],
      [aRow({ billerId: `ste${lone}` }), 'billerId', ['billerId']],
      [aRow({ holder: { name: 'M', class: 'public_entity', msisdn: '0944123456', entityId: `ent${nul}` } }), 'holder.entityId', ['holder.entityId']],
      [
        aRow({ amount: { amount: 10, currency: 'SYP' }, lines: [{ code: 'RENT', description: `Rental ${lone}`, amount: { amount: 10, currency: 'SYP' } }] }),
        'lines.0.description',
        ['lines.0.description'],
      ],
      [aRow({ period: { from: '0000-01-01', to: '0000-01-31' } }), 'period.from: year 0000', ['period.from', 'period.to']],
      [aRow({ issueDate: '0000-12-01', dueDate: '2026-02-28' }), 'issueDate: year 0000', ['issueDate']],
    ];
    const res = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'cycle-unstorable', bills: [...rows.map((r) => r[0]), aRow()] } });
    expect(res.status).toBe(202);
    expect(res.body.accepted.map((a) => a.index)).toEqual([rows.length]);
    expect(res.body.rejected.map((r) => r.index)).toEqual(rows.map((_, i) => i));
    for (const rejection of res.body.rejected) {
      const [, reason, fields] = rows[rejection.index]!;
      expect(rejection.reason).toContain(reason);
      expect(rejection.fields).toEqual(fields);
    }
    // An id that cannot be stored is not echoed in the stored answer.
    expect(res.body.rejected[0]!.externalBillId).toBeNull();
    const replay = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'cycle-unstorable', bills: [aRow()] } });
    expect(replay.body.rejected).toEqual(res.body.rejected);
  });

  it('creates an unknown account from the row holder data, and refuses it without', async () => {
    const accountNo = aLandline();
    const refused = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'cycle-new-acc-1', bills: [aRow({ accountNo, holder: undefined })] } });
    expect(refused.body.rejected).toHaveLength(1);
    expect(await h.count('accounts', `account_no = '${accountNo}'`)).toBe(0);

    const created = await h.send<BillBatchResponse>('POST', path, {
      body: { batchId: 'cycle-new-acc-2', bills: [aRow({ accountNo: `+963 ${accountNo.slice(1)}`, holder: { name: 'Omar Khatib', class: 'business', msisdn: '00963944000111' } })] },
    });
    expect(created.body.acceptedCount).toBe(1);
    const { rows } = await h.db.pool.query('SELECT account_no, holder_name, holder_class, msisdn, governorate, locale, entity_id FROM accounts WHERE account_no = $1', [accountNo]);
    expect(rows).toEqual([{ account_no: accountNo, holder_name: 'Omar Khatib', holder_class: 'business', msisdn: '+963944000111', governorate: 'damascus', locale: 'ar', entity_id: null }]);

    // Known now: later bills need no holder data, and holder data on them does not rewrite the account.
    const later = await h.send<BillBatchResponse>('POST', path, {
      body: { batchId: 'cycle-new-acc-3', bills: [aRow({ accountNo, holder: undefined }), aRow({ accountNo, holder: { name: 'Someone Else', class: 'individual', msisdn: '0944999888' } })] },
    });
    expect(later.body.acceptedCount).toBe(2);
    expect((await h.db.pool.query('SELECT holder_name FROM accounts WHERE account_no = $1', [accountNo])).rows).toEqual([{ holder_name: 'Omar Khatib' }]);
  });

  it('accepts rows of a new line when one row of the batch carries its holder', async () => {
    const accountNo = aLandline();
    const res = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'cycle-one-holder', bills: [aRow({ accountNo, holder: undefined }), aRow({ accountNo })] } });
    expect(res.body.acceptedCount).toBe(2);
  });

  it('creates and attaches the public entity named by a holder', async () => {
    const entityId = `ent-moh-${Date.now()}`;
    const holder = { name: 'Ministry of Health', class: 'public_entity', msisdn: '0944555666', entityId };
    const res = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'cycle-entity', bills: [aRow({ holder }), aRow({ holder, accountNo: '0212234567' })] } });
    expect(res.body.acceptedCount).toBe(2);
    expect((await h.db.pool.query('SELECT name FROM entities WHERE entity_id = $1', [entityId])).rows).toEqual([{ name: 'Ministry of Health' }]);
    const { rows } = await h.db.pool.query<{ governorate: string }>('SELECT governorate FROM accounts WHERE entity_id = $1 ORDER BY governorate', [entityId]);
    expect(rows.map((r) => r.governorate)).toEqual(['aleppo', 'damascus']);
  });

  it('completes a batch that died halfway when it is sent again, without duplicates', async () => {
    const batchId = 'cycle-crash';
    const bills = Array.from({ length: 25 }, () => aRow());
    // The first attempt dies while reading row 17: rows 0–9 are committed, 10–16 were still being gathered.
    function* dying() {
      for (const [i, row] of bills.entries()) {
        if (i === 17) throw new Error('connection reset by peer');
        yield row;
      }
    }
    await expect(
      importBillBatch({ pool: h.db.pool, policy: defaultLateFeePolicy }, { batchId, rows: dying(), correlationId: 'c-1', chunkSize: 10 }),
    ).rejects.toThrow('connection reset');
    expect(await h.count('bills', `batch_id = '${batchId}'`)).toBe(10);
    expect(await h.count('bill_batches', `batch_id = '${batchId}'`)).toBe(0);
    const firstIds = (await h.db.pool.query<{ bill_id: string }>('SELECT bill_id FROM bills WHERE batch_id = $1 ORDER BY batch_row', [batchId])).rows.map((r) => r.bill_id);
    const outboxBefore = await h.count('outbox');

    const retry = await h.send<BillBatchResponse>('POST', path, { body: { batchId, bills } });
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ replayed: false, acceptedCount: 25, rejectedCount: 0 });
    // Rows stored by the first attempt keep their ids; only the 15 others are new bills and events.
    expect(retry.body.accepted.slice(0, 10).map((a) => a.billId)).toEqual(firstIds);
    expect(await h.count('bills', `batch_id = '${batchId}'`)).toBe(25);
    expect(await h.count('outbox')).toBe(outboxBefore + 15);
  });

  it('tells a second upload of a batch still being imported to retry (409)', async () => {
    const batchId = 'cycle-busy';
    const holder = await h.db.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`bill-batch:${batchId}`]);
      const res = await h.send('POST', path, { body: { batchId, bills: [aRow()] } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('idempotency_key_in_use');
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
    expect(await h.count('bills', `batch_id = '${batchId}'`)).toBe(0);
  });

  describe('Idempotency-Key', () => {
    it('is stored with the batch, with the client that sent it', async () => {
      await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'keyed-stored', bills: [aRow()] }, idempotencyKey: 'key-stored-1' });
      const { rows } = await h.db.pool.query('SELECT client_id, idempotency_key FROM bill_batches WHERE batch_id = $1', ['keyed-stored']);
      expect(rows).toEqual([{ client_id: 'test-biller', idempotency_key: 'key-stored-1' }]);
    });

    it.each([
      ['missing', null],
      ['empty', ''],
      ['with a space', 'cycle 2026'],
      ['not ASCII', 'clé-2026'],
      ['256 characters long', 'k'.repeat(256)],
    ])('400 invalid_request naming the header when it is %s, and nothing is imported', async (_, idempotencyKey) => {
      const batchId = `bad-key-${String(idempotencyKey?.length ?? 'none')}-${Date.now()}`;
      const res = await h.send('POST', path, { body: { batchId, bills: [aRow()] }, idempotencyKey });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toContain('Idempotency-Key');
      expect(await h.count('bill_batches', `batch_id = '${batchId}'`)).toBe(0);
      expect(await h.count('bills', `batch_id = '${batchId}'`)).toBe(0);
    });

    it('accepts a key of 255 visible ASCII characters', async () => {
      const res = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'key-255', bills: [aRow()] }, idempotencyKey: `~!${'k'.repeat(253)}` });
      expect(res.status).toBe(202);
    });

    it('422 idempotency_key_reused for the same key with another batchId, which is not imported', async () => {
      const key = `reused-${Date.now()}`;
      const first = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'reuse-a', bills: [aRow()] }, idempotencyKey: key });
      expect(first.status).toBe(202);
      const outboxBefore = await h.count('outbox');
      const res = await h.send('POST', path, { body: { batchId: 'reuse-b', bills: [aRow()] }, idempotencyKey: key });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('idempotency_key_reused');
      expect(res.body.error.message).toContain('reuse-a');
      expect(await h.count('bill_batches', "batch_id = 'reuse-b'")).toBe(0);
      expect(await h.count('bills', "batch_id = 'reuse-b'")).toBe(0);
      expect(await h.count('outbox')).toBe(outboxBefore);
    });

    it('422 idempotency_key_reused for the same key and batchId with another body', async () => {
      const key = `reused-body-${Date.now()}`;
      const first = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'reuse-body', bills: [aRow()] }, idempotencyKey: key });
      expect(first.status).toBe(202);
      const res = await h.send('POST', path, { body: { batchId: 'reuse-body', bills: [aRow(), aRow()] }, idempotencyKey: key });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('idempotency_key_reused');
      expect(await h.count('bills', "batch_id = 'reuse-body'")).toBe(1);
    });

    it('replays rejections byte for byte too (their stored order of fields is not the answer\'s)', async () => {
      const body = { batchId: 'replay-rejections', bills: [aRow(), aRow({ accountNo: '0944123456' }), 'not an object'] };
      const first = await h.send<BillBatchResponse>('POST', path, { body, idempotencyKey: 'replay-rejections-key' });
      expect(first.body.rejectedCount).toBe(2);
      const again = await h.send<BillBatchResponse>('POST', path, { body, idempotencyKey: 'replay-rejections-key' });
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.payload).toBe(first.payload);
    });

    it('409 idempotency_key_in_use while another batch runs under the same key', async () => {
      const key = `busy-key-${Date.now()}`;
      const holder = await h.db.pool.connect();
      try {
        await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`bill-batch-key:test-biller\n${key}`]);
        const res = await h.send('POST', path, { body: { batchId: 'busy-key-batch', bills: [aRow()] }, idempotencyKey: key });
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('idempotency_key_in_use');
      } finally {
        await holder.query('SELECT pg_advisory_unlock_all()');
        holder.release();
      }
      expect(await h.count('bills', "batch_id = 'busy-key-batch'")).toBe(0);
    });
  });

  describe('refusals', () => {
    it('403 forbidden for a channel, a portal or an operator client', async () => {
      for (const as of ['channel', 'portal', 'operator'] as const) {
        const res = await h.send('POST', path, { as, body: { batchId: `forbidden-${as}`, bills: [aRow()] } });
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      expect(await h.count('bill_batches', "batch_id LIKE 'forbidden-%'")).toBe(0);
    });

    it('401 unauthenticated without a signature', async () => {
      const res = await h.send('POST', path, { as: 'unsigned', body: { batchId: 'unsigned', bills: [aRow()] } });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    });

    it.each([
      ['no batchId', { bills: [{}] }],
      ['bills not a list', { batchId: 'b', bills: {} }],
      ['no bills', { batchId: 'b', bills: [] }],
      ['an empty batchId', { batchId: '  ', bills: [{}] }],
    ])('400 invalid_request for a malformed body: %s', async (_, body) => {
      const res = await h.send('POST', path, { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    });

    it('400 invalid_request naming the field for a batchId with a NUL or an unpaired surrogate', async () => {
      for (const batchId of ['cycle\u0000x', 'cycle\ud800x']) {
        const res = await h.send('POST', path, { body: { batchId, bills: [aRow()] } });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('invalid_request');
        expect(res.body.error.message).toContain('body.batchId');
      }
    });

    it('413 payload_too_large for a body over the batch route limit', async () => {
      const name = 'x'.repeat(billBatchBodyLimit);
      const res = await h.send('POST', path, { body: { batchId: 'too-big', bills: [aRow({ holder: { name, class: 'individual', msisdn: '0944123456' } })] } });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
      expect(res.body.error.message).toContain('larger than this route accepts');
    });

    it('keeps the large limit for the batch route: a batch over the 256 KiB default of other routes is imported', async () => {
      const bills = Array.from({ length: 1_200 }, () => aRow());
      expect(JSON.stringify({ batchId: 'x', bills }).length).toBeGreaterThan(262_144);
      const res = await h.send('POST', path, { body: { batchId: `wide-${bills.length}-${Date.now()}`, bills } });
      expect(res.status).toBe(202);
    });

    it('400 invalid_request for a body that is not JSON', async () => {
      const res = await h.send('POST', path, { rawBody: '{"batchId": "x", "bills": [' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    });
  });
});

describe('POST /v1/bill-batches with a biller currency configured', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ currency: 'SYP' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('rejects bills in another supported currency', async () => {
    const res = await h.send<BillBatchResponse>('POST', path, { body: { batchId: 'usd', bills: [aRow({ amount: { amount: 1000, currency: 'USD' } }), aRow()] } });
    expect(res.body.rejected).toEqual([expect.objectContaining({ index: 0, reason: 'amount.currency: bills are issued in SYP, not USD' })]);
    expect(res.body.acceptedCount).toBe(1);
  });
});

// "Find a payment" through the console's API against recorded services: a small HTTP server answers
// payment orchestration's, billing's and notification's operator routes with answers recorded from
// the real ones (their own tests cover those routes over real Postgres), and records what the console
// asked, as whom. Shows: which identifier a typed text is searched as, one timeline merged in time
// order across the three services with its links, and a service that does not answer marked
// unavailable instead of failing the page.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpServer } from '@gateway/kit';
import { browser, startConsoleHarness } from './support/console-harness.ts';
import type { ConsoleHarness } from './support/console-harness.ts';

const paymentId = 'pay_01939f3a-1111-7000-8000-000000000001';
const intentId = 'pi_01939f3a-2222-7000-8000-000000000002';
const billId = 'bil_01939f3a-3333-7000-8000-000000000003';
const receiptNo = 'RC-20261207-000123';
const syp = (amount: number) => ({ amount, currency: 'SYP' });

const summary = { kind: 'payment', paymentId, intentId: null, receiptNo, channelId: 'bank-alpha', channelTxnId: 'txn-42', accountNo: '0112345678', amount: syp(150_000), status: 'completed', at: '2026-12-07T10:00:00.000Z' };
const olderIntent = { kind: 'intent', paymentId: null, intentId, receiptNo: null, channelId: 'wallet-one', channelTxnId: null, accountNo: '0112345678', amount: syp(150_000), status: 'failed', at: '2026-12-06T10:00:00.000Z' };

// Recorded from GET /v1/payment-timeline, /v1/payment-effects and /v1/payment-messages.
const orchestrationTimeline = {
  payment: {
    paymentId, receiptNo, status: 'completed', source: 'channel', intentId: null, clientId: 'bank-alpha', channelId: 'bank-alpha', channelTxnId: 'txn-42',
    billerId: 'telecom', accountNo: '0112345678', amount: syp(150_000), fee: syp(0), paidAt: '2026-12-07T09:59:58.000Z', businessDate: '2026-12-07',
    inquiryRef: null, payerMsisdn: null, correlationId: 'c-1', recordedAt: '2026-12-07T10:00:00.100Z',
    allocations: [{ billId, externalBillId: 'STE-9', amount: syp(150_000), waived: syp(0), reversedAt: null }],
    reversal: null,
  },
  intent: null,
  reconciliation: [],
  events: [{ eventId: '01939f3a-4444-7000-8000-000000000004', type: 'payment.completed', topic: 'payments.payments', createdAt: '2026-12-07T10:00:00.100Z', publishedAt: '2026-12-07T10:00:00.150Z', parkedAt: null }],
};
const billingEffects = {
  paymentId,
  applied: [{ kind: 'payment', billId, externalBillId: 'STE-9', accountNo: '0112345678', amount: syp(150_000), appliedAmount: syp(150_000), waivedLateFee: syp(0), reversalId: null,
    occurredAt: '2026-12-07T09:59:58.000Z', recordedAt: '2026-12-07T10:00:00.300Z', after: { revision: 2, status: 'paid', paidAmount: syp(150_000), lateFee: syp(0), at: '2026-12-07T10:00:00.300Z' } }],
  unapplied: [],
};
const notificationMessages = {
  messages: [{
    messageId: '01939f3a-5555-7000-8000-000000000005', template: 'payment_receipt', recipient: '+963944123456', locale: 'ar', state: 'delivered',
    body: `تم استلام 1,500.00 ل.س للحساب 0112345678. الإيصال ${receiptNo}`, sourceEventId: '01939f3a-4444-7000-8000-000000000004',
    notBefore: '2026-12-07T09:59:58.000Z', attempts: 1, lastError: null, createdAt: '2026-12-07T10:00:00.400Z', submittedAt: '2026-12-07T10:00:00.500Z', doneAt: '2026-12-07T10:00:01.000Z',
    parts: [{ seq: 1, smscMessageId: 'smsc-77', state: 'delivered', errorCode: null, submittedAt: '2026-12-07T10:00:00.500Z', doneAt: '2026-12-07T10:00:01.000Z',
      receipt: { state: 'delivered', errorCode: null, doneAt: '2026-12-07T10:00:01.000Z', receivedAt: '2026-12-07T10:00:01.100Z' } }],
  }],
};

type Asked = { url: string; headers: IncomingHttpHeaders };
const asked: Asked[] = [];

/** One server for the three services; `answers` maps a path prefix to a status and a body. */
function recordedService(answers: (url: URL) => { status: number; body: unknown }): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    asked.push({ url: req.url ?? '', headers: req.headers });
    const { status, body } = answers(new URL(req.url ?? '/', 'http://recorded'));
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

const notFound = { status: 404, body: { error: { code: 'not_found', message: 'Not found.' } } };

let h: ConsoleHarness;
let app: HttpServer;
let withoutBilling: HttpServer;
let withoutOrchestration: HttpServer;
const servers: Server[] = [];

beforeAll(async () => {
  h = await startConsoleHarness();
  const recorded = await recordedService((url) => {
    const p = url.pathname;
    if (p === '/v1/payment-search') {
      const [key, value] = [...url.searchParams.entries()].find(([k]) => k !== 'limit') ?? [];
      if (key === 'receiptNo' && value === receiptNo) return { status: 200, body: { results: [summary] } };
      if (key === 'accountNo' && value === '0112345678') return { status: 200, body: { results: [olderIntent, summary] } };
      if (key === 'channelTxnId' && value === '0112345678') return { status: 200, body: { results: [summary] } };
      if (key === 'msisdn') return { status: 200, body: { results: [summary] } };
      return { status: 200, body: { results: [] } };
    }
    if (p === `/v1/payment-timeline/${paymentId}`) return { status: 200, body: orchestrationTimeline };
    if (p.startsWith('/v1/payment-timeline/')) return notFound;
    if (p === `/v1/payment-effects/${paymentId}`) return { status: 200, body: billingEffects };
    if (p === '/v1/payment-messages' && url.searchParams.get('paymentId') === paymentId) return { status: 200, body: notificationMessages };
    return notFound;
  });
  servers.push(recorded.server);
  const all = { 'payment-orchestration': recorded.url, billing: recorded.url, notification: recorded.url };
  app = await h.build({ services: all });
  // Port 1 never answers: that service is down.
  withoutBilling = await h.build({ services: { ...all, billing: 'http://127.0.0.1:1' } });
  withoutOrchestration = await h.build({ services: { ...all, 'payment-orchestration': 'http://127.0.0.1:1' } });
});
afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await h?.close();
});

type Search = { searchedBy: string[]; available: boolean; error?: string; results: { paymentId: string | null; intentId: string | null }[] };
type Timeline = {
  services: Record<string, { available: boolean; error?: string }>;
  payment: { receiptNo: string } | null;
  entries: { at: string; service: string; kind: string; data: Record<string, unknown>; ids: Record<string, string> }[];
};

describe('GET /api/payments?q=', () => {
  it('searches a receipt number as one, signed as the console naming the person (a viewer may)', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    asked.length = 0;
    const res = await b.send<Search>('GET', `/api/payments?q=${receiptNo}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ searchedBy: ['receiptNo'], available: true, results: [{ paymentId }] });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.url).toBe(`/v1/payment-search?receiptNo=${receiptNo}&limit=20`);
    expect(asked[0]!.headers['x-operator-person']).toBe(h.users.viewer);
    expect(asked[0]!.headers['signature']).toEqual(expect.any(String));
  });

  it('searches a mobile in any spelling as a subscriber number, and an unknown shape as both channelTxnId and account number (merged, newest first, once each)', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    for (const q of ['0944 123 456', '+963944123456', '00963944123456']) {
      asked.length = 0;
      const res = await b.send<Search>('GET', `/api/payments?q=${encodeURIComponent(q)}`);
      expect(res.body.searchedBy).toEqual(['msisdn']);
      expect(new URL(asked[0]!.url, 'http://x').searchParams.get('msisdn')).toBe(q.replace(/\s/g, ''));
    }
    const res = await b.send<Search>('GET', '/api/payments?q=0112345678');
    expect(res.body.searchedBy).toEqual(['channelTxnId', 'accountNo']);
    expect(res.body.results).toEqual([expect.objectContaining({ paymentId }), expect.objectContaining({ intentId })]);
  });

  it('answers available: false, not a 5xx, when payment orchestration does not answer', async () => {
    const b = browser(withoutOrchestration);
    await b.signIn(h.users.viewer);
    const res = await b.send<Search>('GET', `/api/payments?q=${receiptNo}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ available: false, results: [], error: expect.stringMatching(/is not answering/) });
  });

  it('is a 401 without a session', async () => {
    expect((await browser(app).send('GET', `/api/payments?q=${receiptNo}`)).status).toBe(401);
  });
});

describe('GET /api/payments/{id}/timeline', () => {
  it('merges the payment, its allocation, its event, the bill settled and its SMS with the delivery receipt into one timeline in time order', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const res = await b.send<Timeline>('GET', `/api/payments/${paymentId}/timeline`);
    expect(res.status).toBe(200);
    expect(res.body.services).toEqual({ 'payment-orchestration': { available: true }, billing: { available: true }, notification: { available: true } });
    expect(res.body.payment).toMatchObject({ receiptNo });
    expect(res.body.entries.map((e) => [e.service, e.kind])).toEqual([
      ['payment-orchestration', 'payment.recorded'],
      ['payment-orchestration', 'payment.allocation'],
      ['payment-orchestration', 'event'],
      ['billing', 'bill.applied'],
      ['billing', 'bill.settled'],
      ['notification', 'sms.queued'],
      ['notification', 'sms.submitted'],
      ['notification', 'sms.delivery-receipt'],
    ]);
    const at = res.body.entries.map((e) => e.at);
    expect([...at].sort()).toEqual(at);
    // The links: the allocation and the settlement name the bill, the SMS entries the payment and the message.
    expect(res.body.entries.find((e) => e.kind === 'bill.settled')!.ids).toEqual({ paymentId, billId });
    expect(res.body.entries.find((e) => e.kind === 'sms.delivery-receipt')).toMatchObject({
      ids: { paymentId, messageId: notificationMessages.messages[0]!.messageId, smscMessageId: 'smsc-77' },
      data: { state: 'delivered' },
    });
    expect(res.body.entries.find((e) => e.kind === 'sms.queued')!.data['text']).toContain(receiptNo);
  });

  it('marks billing unavailable when it does not answer and still shows the others', async () => {
    const b = browser(withoutBilling);
    await b.signIn(h.users.viewer);
    const res = await b.send<Timeline>('GET', `/api/payments/${paymentId}/timeline`);
    expect(res.status).toBe(200);
    expect(res.body.services['billing']).toEqual({ available: false, error: expect.stringMatching(/^billing is not answering/) });
    expect(res.body.entries.map((e) => e.service)).not.toContain('billing');
    expect(res.body.entries.map((e) => e.kind)).toContain('sms.delivery-receipt');
  });

  it('still shows billing and the SMS by the payment id when payment orchestration does not answer', async () => {
    const b = browser(withoutOrchestration);
    await b.signIn(h.users.viewer);
    const res = await b.send<Timeline>('GET', `/api/payments/${paymentId}/timeline`);
    expect(res.status).toBe(200);
    expect(res.body.services['payment-orchestration']!.available).toBe(false);
    expect(res.body.entries.map((e) => e.kind)).toEqual(['bill.applied', 'bill.settled', 'sms.queued', 'sms.submitted', 'sms.delivery-receipt']);
  });

  it('is a 404 for an id payment orchestration does not know, and a 400 for one that is no payment or intent id', async () => {
    const b = browser(app);
    await b.signIn(h.users.viewer);
    const unknown = await b.send<{ error: { code: string } }>('GET', '/api/payments/pay_01939f3a-9999-7000-8000-000000000009/timeline');
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const malformed = await b.send<{ error: { code: string } }>('GET', '/api/payments/RC-1/timeline');
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });
});

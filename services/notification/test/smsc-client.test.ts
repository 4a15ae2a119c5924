// The SMPP client against the real SMSC simulator, in process on an ephemeral port: binds, submits
// that the simulator reassembles, receipts and mobile-originated messages through onDeliverSm, and the
// failures that matter (wrong password, a connection dropped mid-window, throttling, a silent SMSC,
// a handler that fails), with the simulator's own records as the judge.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import smpp from 'smpp';
import { Registry } from 'prom-client';
import { createLogger } from '@gateway/kit';
import { buildSmscApp } from '../../../simulators/smsc-simulator/src/app.ts';
import { createSmscServer } from '../../../simulators/smsc-simulator/src/smpp/smsc-server.ts';
import type { SmscServer } from '../../../simulators/smsc-simulator/src/smpp/smsc-server.ts';
import { createSmscState } from '../../../simulators/smsc-simulator/src/store/smsc-state.ts';
import type { MessageView, SmscStats } from '../../../simulators/smsc-simulator/src/store/smsc-state.ts';
import { concatReferenceOf, shortMessageOf, splitSms } from '../src/domain/sms-segments.ts';
import { createSmscClient } from '../src/smpp/smsc-client.ts';
import type { IncomingDeliverSm, OutgoingPart, SmscClient, SmscClientOptions, SubmitOutcome } from '../src/smpp/smsc-client.ts';
import { submitFields, submitOutcomeOf } from '../src/smpp/smpp-pdus.ts';

const PASSWORD = 'client-test-secret';
const RECEIPT_DELAY_MS = 100;
const logger = createLogger({ service: 'smsc-client-test', level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await sleep(20);
  }
}

/** The parts of a text as the notification service will submit them, each with its own reference. */
function partsOf(messageId: string, text: string, to: string, from = 'Telecom'): OutgoingPart[] {
  return splitSms(text, concatReferenceOf(messageId)).parts.map((part, i) => ({
    to,
    from,
    esmClass: part.esmClass,
    dataCoding: part.dataCoding,
    shortMessage: shortMessageOf(part),
    reference: `${messageId}:${i + 1}`,
  }));
}

describe('createSmscClient against the SMSC simulator', () => {
  let smsc: SmscServer;
  let app: ReturnType<typeof buildSmscApp>;
  let port: number;
  const clients: SmscClient[] = [];
  let delivered: IncomingDeliverSm[];

  const messagesTo = async (to: string): Promise<MessageView[]> =>
    (await app.inject({ method: 'GET', url: `/messages?to=${encodeURIComponent(to)}` })).json<{ messages: MessageView[] }>().messages;
  const control = async (body: Record<string, unknown>): Promise<void> => {
    const res = await app.inject({ method: 'POST', url: '/control', payload: body });
    expect(res.statusCode).toBe(200);
  };
  const stats = async (): Promise<SmscStats> => (await app.inject({ method: 'GET', url: '/stats' })).json<SmscStats>();
  const receipts = () => delivered.filter((d) => d.kind === 'receipt');

  function client(overrides: Partial<SmscClientOptions> = {}): { client: SmscClient; registry: Registry } {
    const registry = new Registry();
    const c = createSmscClient({
      host: '127.0.0.1',
      port,
      systemId: 'notification',
      password: PASSWORD,
      window: 10,
      ratePerSecond: 0,
      enquireLinkMs: 500,
      responseTimeoutMs: 2000,
      reconnect: { initialMs: 50, maxMs: 200 },
      logger,
      registry,
      onDeliverSm: (message) => {
        delivered.push(message);
        return Promise.resolve();
      },
      ...overrides,
    });
    clients.push(c);
    return { client: c, registry };
  }

  async function bound(overrides: Partial<SmscClientOptions> = {}): Promise<{ client: SmscClient; registry: Registry }> {
    const made = client(overrides);
    made.client.start();
    expect(await made.client.whenBound(3000)).toBe(true);
    return made;
  }

  const metric = async (registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> => {
    const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (found?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
    return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
  };

  beforeEach(async () => {
    // A fresh simulator per test, so no receipt of one test reaches the next test's bind.
    delivered = [];
    const state = createSmscState({ receiptDelayMs: RECEIPT_DELAY_MS });
    smsc = createSmscServer(state, { systemId: 'test-smsc', password: PASSWORD, logger });
    port = (await smsc.listen('127.0.0.1', 0)).port;
    app = buildSmscApp(state, smsc);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
    await app.close();
    await smsc.close();
  });

  it('binds and submits a concatenated GSM and a concatenated UCS-2 message that the SMSC reassembles; receipts come back delivered', async () => {
    const { client: c, registry } = await bound();
    const gsm = 'Your landline bill 0112345678 for Jan-Feb is ready: SYP 12,345.67 due 15/03. Pay by bank app or e-wallet {no fee} and avoid the late fee of 5%. Reply STOP to opt out. €';
    const arabic = 'عزيزي المشترك، صدرت فاتورة الهاتف الأرضي رقم 0112345678 بمبلغ ١٢٬٣٤٥ ل.س. آخر موعد للدفع ١٥ آذار. ادفع إلكترونياً عبر تطبيق المصرف أو المحفظة لتجنب الغرامة.';
    const gsmParts = partsOf('msg-gsm', gsm, '+963911000001');
    const arabicParts = partsOf('msg-ar', arabic, '+963911000002');
    expect(gsmParts.length).toBe(2);
    expect(arabicParts.length).toBe(3);

    const outcomes = await Promise.all([...gsmParts, ...arabicParts].map((p) => c.submit(p)));
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    const ids = outcomes.map((o) => (o.status === 'accepted' ? o.smscMessageId : ''));

    const [gsmView] = await messagesTo('+963911000001');
    expect(gsmView).toMatchObject({ text: gsm, complete: true, from: 'Telecom', dataCoding: 0 });
    expect(gsmView!.parts.map((p) => p.esmeReference)).toEqual(['msg-gsm:1', 'msg-gsm:2']);
    const [arabicView] = await messagesTo('+963911000002');
    expect(arabicView).toMatchObject({ text: arabic, complete: true, dataCoding: 8 });

    await eventually(receipts, (r) => r.length >= 5);
    expect(receipts().map((r) => (r.kind === 'receipt' ? r.smscMessageId : '')).sort()).toEqual([...ids].sort());
    for (const receipt of receipts()) {
      expect(receipt).toMatchObject({ kind: 'receipt', state: 'delivered', errorCode: '000', to: 'Telecom', doneAt: expect.any(Date) });
      expect(['+963911000001', '+963911000002']).toContain(receipt.from);
    }
    expect(await metric(registry, 'smpp_bound')).toBe(1);
    expect(await metric(registry, 'smpp_submits_total', { outcome: 'accepted' })).toBe(5);
    expect(await metric(registry, 'smpp_deliver_sm_total', { kind: 'receipt' })).toBe(5);
  });

  it('reports an undeliverable handset as a failed receipt with its error code', async () => {
    const { client: c } = await bound();
    await control({ undeliverable: ['+963911000003'] });
    const [part] = partsOf('msg-lost', 'Bill ready', '+963911000003');
    const outcome = await c.submit(part!);
    expect(outcome.status).toBe('accepted');
    const [receipt] = await eventually(receipts, (r) => r.length === 1);
    expect(receipt).toMatchObject({ kind: 'receipt', state: 'failed', errorCode: '001', smscMessageId: (outcome as { smscMessageId: string }).smscMessageId });
  });

  it('passes mobile-originated messages on with their text: GSM, Arabic, and a long Arabic one in message_payload', async () => {
    await bound();
    const long = 'أرجو إيقاف رسائل التذكير على رقمي لأنني أدفع فواتيري إلكترونياً عبر المحفظة كل شهر. '.repeat(3);
    for (const text of ['STOP', 'إيقاف', long]) {
      const res = await app.inject({ method: 'POST', url: '/mo', payload: { from: '+963911000004', to: '1555', text } });
      expect(res.statusCode).toBe(202);
    }
    await eventually(() => delivered, (d) => d.length === 3);
    expect(delivered).toEqual([
      { kind: 'mobile_originated', from: '+963911000004', to: '1555', text: 'STOP' },
      { kind: 'mobile_originated', from: '+963911000004', to: '1555', text: 'إيقاف' },
      { kind: 'mobile_originated', from: '+963911000004', to: '1555', text: long },
    ]);
  });

  it('keeps retrying a refused bind without crashing, and a waiting submit resolves connection_lost', async () => {
    const { client: c, registry } = client({ password: 'wrong', notBoundTimeoutMs: 400 });
    c.start();
    expect(await c.whenBound(300)).toBe(false);
    expect(c.isBound()).toBe(false);
    const [part] = partsOf('msg-refused', 'x', '+963911000005');
    expect(await c.submit(part!)).toEqual({ status: 'connection_lost' });
    expect(await metric(registry, 'smpp_reconnects_total')).toBeGreaterThanOrEqual(2);
    expect(c.isBound()).toBe(false);
    expect(smsc.boundSessions()).toBe(0);
    expect(await messagesTo('+963911000005')).toEqual([]);
  });

  it('on a connection dropped mid-window resolves the submits in flight as connection_lost, rebinds, and a resubmission under the same references creates no duplicate', async () => {
    const { client: c, registry } = await bound();
    // The SMSC stores each part at once but holds its answer: the drop lands while all are in flight.
    await control({ responseDelayMs: 800 });
    const parts = [...partsOf('msg-drop', 'ب'.repeat(150), '+963911000006'), ...partsOf('msg-drop-2', 'Receipt R-1', '+963911000006')];
    expect(parts).toHaveLength(4);
    const first = parts.map((p) => c.submit(p));
    await eventually(async () => (await stats()).accepted, (n) => n === 4);
    expect(await metric(registry, 'smpp_window_in_use')).toBe(4);

    const droppedAt = Date.now();
    await control({ dropConnection: true, responseDelayMs: 0 });
    const outcomes = await Promise.all(first);
    expect(outcomes).toEqual(parts.map(() => ({ status: 'connection_lost' })));
    expect(Date.now() - droppedAt).toBeLessThan(500);

    expect(await c.whenBound(3000)).toBe(true);
    const again = await Promise.all(parts.map((p) => c.submit(p)));
    const stored = (await messagesTo('+963911000006')).flatMap((m) => m.parts);
    expect(stored).toHaveLength(4);
    expect(again.map((o) => (o.status === 'accepted' ? o.smscMessageId : o.status)).sort()).toEqual(stored.map((p) => p.messageId).sort());
    expect(await stats()).toMatchObject({ accepted: 4, duplicatesAnswered: 4 });
    expect((await messagesTo('+963911000006')).map((m) => m.text)).toEqual(['ب'.repeat(150), 'Receipt R-1']);
    // The receipts, due on the dead session, come on the new one; one per part.
    await eventually(receipts, (r) => r.length >= 4);
    expect(new Set(receipts().map((r) => (r.kind === 'receipt' ? r.smscMessageId : ''))).size).toBe(4);
    expect(await metric(registry, 'smpp_submits_total', { outcome: 'connection_lost' })).toBe(4);
  });

  it('paces submits to the licence rate: no trailing second at the SMSC holds more than ratePerSecond', async () => {
    const rate = 50;
    const count = 75;
    const { client: c } = await bound({ ratePerSecond: rate, window: 20 });
    // The simulator enforces the same cap, so going over it would show as throttled submits.
    await control({ maxSubmitsPerSecond: rate });
    const parts = Array.from({ length: count }, (_, i) => partsOf(`msg-pace-${i}`, `Reminder ${i}`, '+963911000007')[0]!);
    const outcomes = await Promise.all(parts.map((p) => c.submit(p)));
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);

    const arrivals = (await messagesTo('+963911000007')).map((m) => Date.parse(m.receivedAt)).sort((a, b) => a - b);
    expect(arrivals).toHaveLength(count);
    // Every window (t - 1000 ms, t] ending on an arrival: that is where a burst would show.
    const busiest = Math.max(...arrivals.map((t) => arrivals.filter((a) => a > t - 1000 && a <= t).length));
    expect(busiest).toBeLessThanOrEqual(rate);
    // More than a second's worth (nominally 1.48 s; the margin is for a late first read under load), so
    // an unpaced client would have failed the check above.
    expect(arrivals[arrivals.length - 1]! - arrivals[0]!).toBeGreaterThan(1000);
    expect(await stats()).toMatchObject({ throttled: 0 });
    expect((await stats()).peakSubmitsPerSecond).toBeLessThanOrEqual(rate);
  });

  it('holds new submits back for throttleBackoffMs after a throttled answer', async () => {
    const { client: c, registry } = await bound({ throttleBackoffMs: 300 });
    await control({ throttle: true });
    const [a, b] = [partsOf('msg-t1', 'one', '+963911000008')[0]!, partsOf('msg-t2', 'two', '+963911000008')[0]!];
    // Taken before the throttled answer can exist, so the hold-off after it is a lower bound from here.
    const before = Date.now();
    expect(await c.submit(a)).toEqual({ status: 'throttled' });
    await control({ throttle: false });
    expect((await c.submit(b)).status).toBe('accepted');
    const [view] = await messagesTo('+963911000008');
    expect(Date.parse(view!.receivedAt) - before).toBeGreaterThanOrEqual(299);
    expect(await metric(registry, 'smpp_submits_total', { outcome: 'throttled' })).toBe(1);
  });

  it('maps a refused submit to rejected, transient for ESME_RSYSERR', async () => {
    const { client: c } = await bound();
    await control({ failRate: 1 });
    expect(await c.submit(partsOf('msg-fail', 'x', '+963911000009')[0]!)).toEqual({ status: 'rejected', commandStatus: smpp.ESME_RSYSERR, permanent: false });
  });

  it('treats an SMSC that stops answering as a broken session: the submit resolves connection_lost after responseTimeoutMs and the client rebinds', async () => {
    const { client: c } = await bound({ responseTimeoutMs: 300 });
    await control({ responseDelayMs: 5000 });
    const startedAt = Date.now();
    expect(await c.submit(partsOf('msg-silent', 'x', '+963911000010')[0]!)).toEqual({ status: 'connection_lost' });
    expect(Date.now() - startedAt).toBeLessThan(1500);
    await control({ responseDelayMs: 0 });
    await eventually(() => c.isBound() && smsc.boundSessions() === 1, Boolean);
    expect((await c.submit(partsOf('msg-silent', 'x', '+963911000010')[0]!)).status).toBe('accepted');
  });

  it('finds a hung SMSC on an idle link by enquire_link, drops that session, and binds again once the SMSC answers', async () => {
    const { client: c, registry } = await bound({ enquireLinkMs: 200, responseTimeoutMs: 300 });
    await control({ silent: true });
    // No submit in flight: only the keep-alive can notice.
    await eventually(() => c.isBound(), (isBound) => !isBound, 3000);
    // The gauge follows the socket's close event, a moment after the link is marked broken.
    await eventually(() => metric(registry, 'smpp_bound'), (bound) => bound === 0, 3000);
    await control({ silent: false });
    await eventually(() => c.isBound() && smsc.boundSessions() === 1, Boolean, 5000);
    expect((await c.submit(partsOf('msg-hung', 'x', '+963911000015')[0]!)).status).toBe('accepted');
  });

  it('answers ESME_RX_T_APPN when onDeliverSm throws, and the SMSC delivers the receipt again later', async () => {
    let calls = 0;
    const { client: c, registry } = await bound({
      onDeliverSm: (message) => {
        calls++;
        if (calls === 1) return Promise.reject(new Error('database unavailable'));
        delivered.push(message);
        return Promise.resolve();
      },
    });
    const outcome = await c.submit(partsOf('msg-retry', 'x', '+963911000011')[0]!);
    const [receipt] = await eventually(receipts, (r) => r.length === 1);
    expect(receipt).toMatchObject({ smscMessageId: (outcome as { smscMessageId: string }).smscMessageId, state: 'delivered' });
    expect(calls).toBe(2);
    expect((await stats()).receiptsSent).toBe(2);
    expect(await metric(registry, 'smpp_deliver_sm_total', { kind: 'receipt', result: 'retry_later' })).toBe(1);
  });

  it('answers ESME_RX_T_APPN for a handler that hangs past deliverSmTimeoutMs, so the receipt comes again', async () => {
    let calls = 0;
    const { client: c } = await bound({
      deliverSmTimeoutMs: 200,
      onDeliverSm: (message) => {
        calls++;
        if (calls === 1) return new Promise<void>(() => undefined);
        delivered.push(message);
        return Promise.resolve();
      },
    });
    expect((await c.submit(partsOf('msg-hang', 'x', '+963911000013')[0]!)).status).toBe('accepted');
    await eventually(receipts, (r) => r.length === 1);
    expect(calls).toBe(2);
  });

  it('stop() waits for the submits in flight to be answered before it unbinds', async () => {
    const { client: c } = await bound();
    await control({ responseDelayMs: 300 });
    const pending = c.submit(partsOf('msg-last', 'last one', '+963911000014')[0]!);
    await eventually(async () => (await stats()).accepted, (n) => n === 1);
    const stopping = c.stop();
    expect((await pending).status).toBe('accepted');
    await stopping;
    expect(c.isBound()).toBe(false);
  });

  it('stop() unbinds and closes, leaves no timer or socket behind, and later calls do not hang', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length;
    const { client: c, registry } = await bound();
    expect((await c.submit(partsOf('msg-stop', 'bye', '+963911000012')[0]!)).status).toBe('accepted');
    await c.stop();
    expect(c.isBound()).toBe(false);
    expect(await metric(registry, 'smpp_bound')).toBe(0);
    await eventually(() => smsc.boundSessions(), (n) => n === 0);
    // The simulator's pending receipt timer is the simulator's; close it to count only the client's handles.
    await smsc.close();
    await eventually(() => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'TCPSocketWrap').length, (n) => n <= before);
    expect(await c.submit(partsOf('msg-stop', 'bye', '+963911000012')[0]!)).toEqual({ status: 'connection_lost' });
    expect(await c.whenBound(1000)).toBe(false);
    await c.stop();
  });
});

describe('SMPP PDUs', () => {
  it('sends E.164 as international, an alphanumeric sender as TON 5, the part raw, a receipt request and our reference', () => {
    const fields = submitFields({ to: '+963911000001', from: 'Telecom', esmClass: 0x40, dataCoding: 8, shortMessage: Uint8Array.of(5, 0, 3, 1, 2, 1, 0, 0x41), reference: 'm:1' });
    expect(fields).toMatchObject({ destination_addr: '963911000001', dest_addr_ton: 1, dest_addr_npi: 1, source_addr: 'Telecom', source_addr_ton: 5, source_addr_npi: 0 });
    expect(fields).toMatchObject({ esm_class: 0x40, data_coding: 8, registered_delivery: 1, gateway_message_ref: 'm:1' });
    expect(Buffer.isBuffer(fields['short_message'])).toBe(true);
    expect([...(fields['short_message'] as Buffer)]).toEqual([5, 0, 3, 1, 2, 1, 0, 0x41]);
    expect(submitFields({ to: '0944000000', from: '1555', esmClass: 0, dataCoding: 0, shortMessage: new Uint8Array(), reference: 'r' })).toMatchObject({
      destination_addr: '0944000000',
      dest_addr_ton: 0,
      dest_addr_npi: 0,
      source_addr: '1555',
      source_addr_ton: 0,
    });
  });

  it.each<[string, number, SubmitOutcome]>([
    ['ESME_ROK', smpp.ESME_ROK, { status: 'accepted', smscMessageId: 'abc' }],
    ['ESME_RTHROTTLED', smpp.ESME_RTHROTTLED, { status: 'throttled' }],
    ['ESME_RMSGQFUL', smpp.ESME_RMSGQFUL, { status: 'throttled' }],
    ['ESME_RINVDSTADR', smpp.ESME_RINVDSTADR, { status: 'rejected', commandStatus: 0x0b, permanent: true }],
    ['ESME_RINVSRCADR', smpp.ESME_RINVSRCADR, { status: 'rejected', commandStatus: 0x0a, permanent: true }],
    ['ESME_RINVMSGLEN', smpp.ESME_RINVMSGLEN, { status: 'rejected', commandStatus: 0x01, permanent: true }],
    ['ESME_RINVESMCLASS', smpp.ESME_RINVESMCLASS, { status: 'rejected', commandStatus: 0x43, permanent: true }],
    ['ESME_RINVDCS', smpp.ESME_RINVDCS, { status: 'rejected', commandStatus: 0x104, permanent: true }],
    ['ESME_RSYSERR', smpp.ESME_RSYSERR, { status: 'rejected', commandStatus: 0x08, permanent: false }],
    ['ESME_RX_T_APPN', smpp.ESME_RX_T_APPN, { status: 'rejected', commandStatus: 0x64, permanent: false }],
    ['an unknown status', 0x4242, { status: 'rejected', commandStatus: 0x4242, permanent: false }],
  ])('maps %s', (_name, status, outcome) => {
    const response = new smpp.PDU('submit_sm_resp', status === 0 ? { message_id: 'abc' } : { command_status: status });
    expect(submitOutcomeOf(response)).toEqual(outcome);
  });
});

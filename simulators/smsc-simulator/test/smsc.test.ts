// The simulator over real SMPP: binds, submits (GSM 7-bit and concatenated UCS-2), delivery receipts,
// deduplication by the ESME's reference, faults, counters, and mobile-originated messages, with what it
// received read back over HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import smpp from 'smpp';
import type { Pdu } from 'smpp';
import { waitFor } from '@gateway/testkit';
import type { MessageView, SmscStats } from '../src/store/smsc-state.ts';
import { PASSWORD, boundClient, connectClient, startSmsc, ucs2 } from './smsc-fixture.ts';
import type { SmscFixture, TestClient } from './smsc-fixture.ts';

const RECEIPT_DELAY_MS = 200;

describe('smsc-simulator', () => {
  let fx: SmscFixture;
  const clients: TestClient[] = [];

  const client = async (mode?: 'bind_transceiver' | 'bind_transmitter'): Promise<TestClient> => {
    const c = await boundClient(fx.port, mode);
    clients.push(c);
    return c;
  };
  const messagesTo = async (to: string): Promise<MessageView[]> => {
    const res = await fx.app.inject({ method: 'GET', url: `/messages?to=${encodeURIComponent(to)}` });
    expect(res.statusCode).toBe(200);
    return res.json<{ messages: MessageView[] }>().messages;
  };
  const control = (body: Record<string, unknown>) => fx.app.inject({ method: 'POST', url: '/control', payload: body });
  const stats = async (): Promise<SmscStats> => (await fx.app.inject({ method: 'GET', url: '/stats' })).json<SmscStats>();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    fx = await startSmsc(RECEIPT_DELAY_MS);
  });

  afterEach(async () => {
    // Waits for the server to see each close too, so the next test starts with no session bound.
    await Promise.all(
      clients.splice(0).map(async (c) => {
        c.session.destroy();
        await c.closed;
      }),
    );
    for (let i = 0; i < 50 && fx.smsc.boundSessions() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await fx.app.inject({ method: 'POST', url: '/control/reset' });
    await fx.app.inject({ method: 'POST', url: '/stats/reset' });
  });

  afterAll(async () => {
    await fx.close();
  });

  it('binds as transceiver or transmitter with the right password, refuses a wrong one, answers enquire_link', async () => {
    const trx = await connectClient(fx.port);
    clients.push(trx);
    const ok = await trx.request('bind_transceiver', { system_id: 'anyone', password: PASSWORD });
    expect(ok.command_status).toBe(smpp.ESME_ROK);
    expect(ok['system_id']).toBe('test-smsc');
    expect((await trx.request('enquire_link')).command_status).toBe(smpp.ESME_ROK);

    const tx = await connectClient(fx.port);
    clients.push(tx);
    expect((await tx.request('bind_transmitter', { system_id: 'other', password: PASSWORD })).command_status).toBe(smpp.ESME_ROK);

    const wrong = await connectClient(fx.port);
    clients.push(wrong);
    expect((await wrong.request('bind_transceiver', { system_id: 'anyone', password: 'nope' })).command_status).toBe(smpp.ESME_RBINDFAIL);
    // Unbound: no submit is taken.
    expect((await wrong.request('submit_sm', { destination_addr: '963900000000', short_message: Buffer.from('x') })).command_status).toBe(
      smpp.ESME_RINVBNDSTS,
    );
    // Only the accepted binds count.
    expect((await stats()).binds).toBe(2);
  });

  it('stores a GSM 7-bit submit decoded, answers its message id, and sends a delivery receipt after the delay', async () => {
    const c = await client();
    // "Pay @ {now} €5" in the GSM 03.38 default alphabet, one septet per octet: @ is 0x00, and {, }
    // and € are escapes (0x1B 0x28, 0x1B 0x29, 0x1B 0x65).
    const bytes = Buffer.from([0x50, 0x61, 0x79, 0x20, 0x00, 0x20, 0x1b, 0x28, 0x6e, 0x6f, 0x77, 0x1b, 0x29, 0x20, 0x1b, 0x65, 0x35]);
    const sentAt = Date.now();
    const resp = await c.request('submit_sm', {
      source_addr: 'GATEWAY',
      source_addr_ton: 5,
      destination_addr: '963911000001',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      data_coding: 0,
      registered_delivery: 1,
      short_message: bytes,
    });
    expect(resp.command_status).toBe(smpp.ESME_ROK);
    const messageId = resp['message_id'] as string;
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/);

    const [stored] = await messagesTo('+963911000001');
    expect(stored).toMatchObject({ messageId, from: 'GATEWAY', to: '+963911000001', text: 'Pay @ {now} €5', complete: true, dataCoding: 0 });
    expect(stored!.parts).toEqual([expect.objectContaining({ messageId, part: 1, total: 1, udh: false, shortMessage: bytes.toString('hex') })]);
    expect(stored!.deliveredAt).toBeUndefined();
    expect(stored!.state).toBe('pending');
    // The same subscriber in other spellings.
    expect(await messagesTo('00963911000001')).toHaveLength(1);

    const receipt = await c.nextDeliver();
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(RECEIPT_DELAY_MS - 20);
    expect(receipt['esm_class']).toBe(0x04);
    expect(receipt['receipted_message_id']).toBe(messageId);
    expect(receipt['message_state']).toBe(2);
    expect(receipt['source_addr']).toBe('963911000001');
    expect(receipt['destination_addr']).toBe('GATEWAY');
    const text = (receipt['short_message'] as { message: string }).message;
    expect(text).toMatch(new RegExp(`^id:${messageId} sub:001 dlvrd:001 submit date:\\d{10} done date:\\d{10} stat:DELIVRD err:000 text:Pay @`));
    const [delivered] = await messagesTo('+963911000001');
    expect(delivered!.deliveredAt).toEqual(expect.any(String));
    expect(delivered!.state).toBe('delivered');
    expect(delivered!.parts[0]!.state).toBe('delivered');
  });

  it('sends no receipt when none was asked for (registered_delivery 0)', async () => {
    const c = await client();
    const resp = await c.request('submit_sm', { destination_addr: '963911000002', dest_addr_ton: 1, registered_delivery: 0, short_message: Buffer.from('hi') });
    expect(resp.command_status).toBe(smpp.ESME_ROK);
    await expect(c.nextDeliver(RECEIPT_DELAY_MS * 3)).rejects.toThrow('no deliver_sm');
  });

  it('reassembles a UCS-2 Arabic message sent in 3 concatenated parts with UDH, whatever their order', async () => {
    const c = await client();
    const original = 'عزيزي المشترك، صدرت فاتورتك لشهر تشرين الثاني بمبلغ ١٢٬٥٠٠ ليرة سورية. آخر موعد للدفع هو ١٥ كانون الأول. ادفع إلكترونياً عبر المصرف أو المحفظة لتجنب غرامة التأخير وقطع الخدمة.';
    const chunks = [original.slice(0, 67), original.slice(67, 134), original.slice(134)];
    expect(chunks[2]!.length).toBeGreaterThan(0);
    const reference = 0x2a;
    const ids: string[] = [];
    for (const part of [3, 1, 2]) {
      const udh = Buffer.from([0x05, 0x00, 0x03, reference, 3, part]);
      const resp = await c.request('submit_sm', {
        source_addr: 'GATEWAY',
        destination_addr: '963911000003',
        dest_addr_ton: 1,
        esm_class: 0x40,
        data_coding: 8,
        registered_delivery: 1,
        short_message: Buffer.concat([udh, ucs2(chunks[part - 1]!)]),
      });
      expect(resp.command_status).toBe(smpp.ESME_ROK);
      ids.push(resp['message_id'] as string);
    }
    const messages = await messagesTo('+963911000003');
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    expect(message.text).toBe(original);
    expect(message.complete).toBe(true);
    expect(message.dataCoding).toBe(8);
    expect(message.messageId).toBe(ids[0]);
    expect(message.parts.map((p) => [p.part, p.total, p.reference, p.udh])).toEqual([
      [1, 3, reference, true],
      [2, 3, reference, true],
      [3, 3, reference, true],
    ]);
    expect(message.parts[0]!.shortMessage).toBe(Buffer.concat([Buffer.from([0x05, 0x00, 0x03, reference, 3, 1]), ucs2(chunks[0]!)]).toString('hex'));
    // One receipt per part, as a real SMSC sends.
    const receipts = [await c.nextDeliver(), await c.nextDeliver(), await c.nextDeliver()];
    expect(receipts.map((r) => r['receipted_message_id']).sort()).toEqual([...ids].sort());
  });

  it('failRate 1 answers ESME_RSYSERR and stores nothing', async () => {
    const c = await client();
    expect((await control({ failRate: 1 })).json()).toMatchObject({ failRate: 1 });
    const resp = await c.request('submit_sm', { destination_addr: '963911000004', dest_addr_ton: 1, short_message: Buffer.from('x') });
    expect(resp.command_status).toBe(smpp.ESME_RSYSERR);
    expect(await messagesTo('+963911000004')).toEqual([]);
  });

  it('throttle answers ESME_RTHROTTLED until turned off', async () => {
    const c = await client();
    await control({ throttle: true });
    expect((await fx.app.inject({ method: 'GET', url: '/control' })).json()).toEqual({
      failRate: 0,
      throttle: true,
      receiptDelayMs: RECEIPT_DELAY_MS,
      responseDelayMs: 0,
      maxSubmitsPerSecond: 0,
      undeliverable: [],
      silent: false,
    });
    const submit = () => c.request('submit_sm', { destination_addr: '963911000005', dest_addr_ton: 1, short_message: Buffer.from('x') });
    expect((await submit()).command_status).toBe(smpp.ESME_RTHROTTLED);
    expect(await messagesTo('+963911000005')).toEqual([]);
    await control({ throttle: false });
    expect((await submit()).command_status).toBe(smpp.ESME_ROK);
    expect(await stats()).toMatchObject({ submits: 2, throttled: 1, accepted: 1 });
  });

  it('refuses an unknown control setting and out-of-range values', async () => {
    expect((await control({ failrate: 1 })).statusCode).toBe(400);
    expect((await control({ failRate: 2 })).statusCode).toBe(400);
    expect((await control({ responseDelayMs: 1.5 })).statusCode).toBe(400);
    expect((await control({ responseDelayMs: -1 })).statusCode).toBe(400);
    expect((await control({ maxSubmitsPerSecond: -1 })).statusCode).toBe(400);
    expect((await control({ undeliverable: ['not a number'] })).statusCode).toBe(400);
    expect((await control({ undeliverable: '+963911000000' })).statusCode).toBe(400);
    // Nothing of a refused update was applied.
    expect((await fx.app.inject({ method: 'GET', url: '/control' })).json()).toMatchObject({ failRate: 0, responseDelayMs: 0, maxSubmitsPerSecond: 0, undeliverable: [] });
  });

  it('answers a repeated ESME reference with the first message id: nothing stored twice, one receipt', async () => {
    const c = await client();
    const submit = (reference?: string) =>
      c.request('submit_sm', {
        destination_addr: '963911000010',
        dest_addr_ton: 1,
        registered_delivery: 1,
        short_message: Buffer.from('once'),
        ...(reference === undefined ? {} : { gateway_message_ref: reference }),
      });
    const first = await submit('msg-10:1');
    const again = await submit('msg-10:1');
    expect(first.command_status).toBe(smpp.ESME_ROK);
    expect(again.command_status).toBe(smpp.ESME_ROK);
    expect(again['message_id']).toBe(first['message_id']);
    const stored = await messagesTo('+963911000010');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.parts[0]!.esmeReference).toBe('msg-10:1');
    expect(await stats()).toMatchObject({ submits: 2, accepted: 1, duplicatesAnswered: 1 });
    expect((await c.nextDeliver())['receipted_message_id']).toBe(first['message_id']);
    await expect(c.nextDeliver(RECEIPT_DELAY_MS * 2)).rejects.toThrow('no deliver_sm');
    expect((await stats()).receiptsSent).toBe(1);

    // Another reference, or none at all, is a new message every time.
    const other = await submit('msg-10:2');
    const bare1 = await submit();
    const bare2 = await submit();
    expect(new Set([first['message_id'], other['message_id'], bare1['message_id'], bare2['message_id']]).size).toBe(4);
    expect(await messagesTo('+963911000010')).toHaveLength(4);
    // Their receipts, so none is left over for the next test's bind.
    const later = [await c.nextDeliver(), await c.nextDeliver(), await c.nextDeliver()];
    expect(later.map((r) => r['receipted_message_id']).sort()).toEqual([other['message_id'], bare1['message_id'], bare2['message_id']].sort());
  });

  it('deduplicates references per ESME: the same reference from another system_id is a new message', async () => {
    const mine = await client();
    const theirs = await connectClient(fx.port);
    clients.push(theirs);
    await theirs.request('bind_transmitter', { system_id: 'another-esme', password: PASSWORD });
    const options = { destination_addr: '963911000011', dest_addr_ton: 1, short_message: Buffer.from('x'), gateway_message_ref: 'shared-ref' };
    const a = await mine.request('submit_sm', options);
    const b = await theirs.request('submit_sm', options);
    expect(a['message_id']).not.toBe(b['message_id']);
    expect(await messagesTo('+963911000011')).toHaveLength(2);
  });

  it('GET /parts pages through every stored part in arrival order, with its ESME reference, from where the reader stopped', async () => {
    const before = (await fx.app.inject({ method: 'GET', url: '/parts?limit=1' })).json<{ total: number }>().total;
    const c = await client();
    const submit = (to: string, reference: string) =>
      c.request('submit_sm', { destination_addr: to, dest_addr_ton: 1, short_message: Buffer.from('p'), gateway_message_ref: reference });
    const ids: unknown[] = [];
    for (const [to, reference] of [['963911000090', 'msg-90:1'], ['963911000091', 'msg-91:1'], ['963911000090', 'msg-90:2']] as const) {
      ids.push((await submit(to, reference))['message_id']);
    }
    // A repeat of a stored reference is answered, not stored: it does not show as a part.
    await submit('963911000090', 'msg-90:1');

    type Page = { parts: { seq: number; messageId: string; to: string; esmeReference?: string }[]; total: number };
    const page = async (after: number, limit: number): Promise<Page> => {
      const res = await fx.app.inject({ method: 'GET', url: `/parts?after=${after}&limit=${limit}` });
      expect(res.statusCode).toBe(200);
      return res.json<Page>();
    };
    const first = await page(before, 2);
    expect(first.total).toBe(before + 3);
    expect(first.parts.map((p) => [p.seq, p.messageId, p.esmeReference])).toEqual([
      [before + 1, ids[0], 'msg-90:1'],
      [before + 2, ids[1], 'msg-91:1'],
    ]);
    const rest = await page(first.parts.at(-1)!.seq, 2);
    expect(rest.parts.map((p) => [p.seq, p.messageId, p.esmeReference])).toEqual([[before + 3, ids[2], 'msg-90:2']]);
    expect((await page(before + 3, 10)).parts).toEqual([]);
    expect((await fx.app.inject({ method: 'GET', url: '/parts?limit=0' })).statusCode).toBe(400);
  });

  it('responseDelayMs stores the message at once and answers later; a drop in between leaves the ESME without the id', async () => {
    const c = await client();
    await control({ responseDelayMs: 300 });
    let answered: Pdu | undefined;
    void c.request('submit_sm', { destination_addr: '963911000012', dest_addr_ton: 1, registered_delivery: 1, short_message: Buffer.from('held'), gateway_message_ref: 'msg-12:1' }).then((pdu) => {
      answered = pdu;
    });
    for (let i = 0; i < 50 && (await messagesTo('+963911000012')).length === 0; i++) await sleep(10);
    const [stored] = await messagesTo('+963911000012');
    expect(stored).toBeDefined();
    expect(answered).toBeUndefined();
    await control({ dropConnection: true });
    await c.closed;
    await sleep(400);
    expect(answered).toBeUndefined();
    // The answer came due on a session gone: counted, so a fault run can tell its drop caught one in flight.
    expect(await stats()).toMatchObject({ accepted: 1, submitResponsesLost: 1 });

    // The resubmission on a new session is answered with the id the ESME never heard, and the
    // receipt (due meanwhile) reaches the new bind.
    await control({ responseDelayMs: 0 });
    const again = await client();
    const resp = await again.request('submit_sm', { destination_addr: '963911000012', dest_addr_ton: 1, registered_delivery: 1, short_message: Buffer.from('held'), gateway_message_ref: 'msg-12:1' });
    expect(resp['message_id']).toBe(stored!.messageId);
    expect((await again.nextDeliver())['receipted_message_id']).toBe(stored!.messageId);
    expect(await messagesTo('+963911000012')).toHaveLength(1);
  });

  it('silent answers no request, binds and enquire_link included, and counts each; back on, a new bind is answered and counted', async () => {
    const c = await client();
    await control({ silent: true });
    let answered = false;
    void c.request('enquire_link').then(() => {
      answered = true;
    });
    const late = await connectClient(fx.port);
    clients.push(late);
    let bound: Pdu | undefined;
    void late.request('bind_transceiver', { system_id: 'notification', password: PASSWORD }).then((pdu) => {
      bound = pdu;
    });
    await waitFor(async () => (await stats()).requestsUnanswered === 2);
    expect(answered).toBe(false);
    expect(bound).toBeUndefined();
    expect((await stats()).binds).toBe(1);

    await control({ silent: false });
    const again = await client();
    expect((await again.request('enquire_link')).command_status).toBe(smpp.ESME_ROK);
    expect(await stats()).toMatchObject({ binds: 2, requestsUnanswered: 2 });
  });

  it('maxSubmitsPerSecond throttles submits over the cap in the trailing second and stores none of them', async () => {
    const c = await client();
    await control({ maxSubmitsPerSecond: 5 });
    const submit = () => c.request('submit_sm', { destination_addr: '963911000013', dest_addr_ton: 1, short_message: Buffer.from('x') });
    const burst = await Promise.all(Array.from({ length: 8 }, submit));
    expect(burst.map((r) => r.command_status)).toEqual([0, 0, 0, 0, 0, smpp.ESME_RTHROTTLED, smpp.ESME_RTHROTTLED, smpp.ESME_RTHROTTLED]);
    expect(await messagesTo('+963911000013')).toHaveLength(5);
    expect(await stats()).toMatchObject({ submits: 8, accepted: 5, throttled: 3, peakSubmitsPerSecond: 8 });
    // Throttled submits use none of the licence: once the second has passed, the ESME gets through.
    await sleep(1050);
    expect((await submit()).command_status).toBe(smpp.ESME_ROK);
  });

  it('undeliverable numbers get an UNDELIV receipt (message_state 5) and show as undeliverable', async () => {
    const c = await client();
    expect((await control({ undeliverable: ['00963911000014'] })).json()).toMatchObject({ undeliverable: ['00963911000014'] });
    const lost = await c.request('submit_sm', { source_addr: 'Telecom', source_addr_ton: 5, destination_addr: '963911000014', dest_addr_ton: 1, registered_delivery: 1, short_message: Buffer.from('lost') });
    const fine = await c.request('submit_sm', { source_addr: 'Telecom', source_addr_ton: 5, destination_addr: '963911000015', dest_addr_ton: 1, registered_delivery: 1, short_message: Buffer.from('fine') });
    const receipts = new Map<unknown, Pdu>();
    for (const pdu of [await c.nextDeliver(), await c.nextDeliver()]) receipts.set(pdu['receipted_message_id'], pdu);
    const failed = receipts.get(lost['message_id'])!;
    expect(failed['message_state']).toBe(5);
    expect((failed['short_message'] as { message: string }).message).toMatch(/ dlvrd:000 .* stat:UNDELIV err:001 text:lost$/);
    const ok = receipts.get(fine['message_id'])!;
    expect(ok['message_state']).toBe(2);
    expect((ok['short_message'] as { message: string }).message).toContain('stat:DELIVRD err:000');
    const [lostView] = await messagesTo('+963911000014');
    expect(lostView).toMatchObject({ state: 'undeliverable', deliveredAt: expect.any(String) });
    expect((await messagesTo('+963911000015'))[0]!.state).toBe('delivered');
  });

  it('sends a refused receipt again after the delay, counts every send, and resets the counters on POST /stats/reset', async () => {
    // An ESME that answers the first receipt with ESME_RX_T_APPN (it could not store it just now).
    const esme = smpp.connect({ host: '127.0.0.1', port: fx.port });
    esme.on('error', () => undefined);
    const seen: { pdu: Pdu; at: number }[] = [];
    const twice = new Promise<void>((resolve) =>
      esme.on('deliver_sm', (pdu: Pdu) => {
        seen.push({ pdu, at: Date.now() });
        esme.send(pdu.response(seen.length === 1 ? { command_status: smpp.ESME_RX_T_APPN } : {}));
        if (seen.length === 2) resolve();
      }),
    );
    const bound = await new Promise<Pdu>((resolve) => esme.bind_transceiver({ system_id: 'notification', password: PASSWORD }, resolve));
    expect(bound.command_status).toBe(smpp.ESME_ROK);
    const resp = await new Promise<Pdu>((resolve) =>
      esme.submit_sm({ destination_addr: '963911000016', dest_addr_ton: 1, registered_delivery: 1, short_message: Buffer.from('x') }, resolve),
    );
    await twice;
    expect(seen.map((s) => s.pdu['receipted_message_id'])).toEqual([resp['message_id'], resp['message_id']]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(RECEIPT_DELAY_MS - 20);
    await new Promise<void>((resolve) => esme.destroy(() => resolve()));
    expect(await stats()).toMatchObject({ submits: 1, accepted: 1, receiptsSent: 2 });
    const reset = await fx.app.inject({ method: 'POST', url: '/stats/reset' });
    expect(reset.json()).toEqual({ submits: 0, accepted: 0, throttled: 0, duplicatesAnswered: 0, receiptsSent: 0, peakSubmitsPerSecond: 0, binds: 0, submitResponsesLost: 0, requestsUnanswered: 0 });
  });

  it('dropConnection closes every bound session once; a receipt due meanwhile reaches the next bind', async () => {
    const first = await client();
    const second = await client('bind_transmitter');
    const resp = await first.request('submit_sm', { destination_addr: '963911000006', dest_addr_ton: 1, registered_delivery: 1, short_message: Buffer.from('x') });
    const res = await control({ dropConnection: true });
    expect(res.json()).toMatchObject({ droppedSessions: 2 });
    await Promise.all([first.closed, second.closed]);
    expect(fx.smsc.boundSessions()).toBe(0);
    // Not remembered: the next bind stays up.
    expect((await fx.app.inject({ method: 'GET', url: '/control' })).json()).not.toHaveProperty('dropConnection');
    await new Promise((resolve) => setTimeout(resolve, RECEIPT_DELAY_MS + 50));
    const again = await client();
    const receipt = await again.nextDeliver();
    expect(receipt['receipted_message_id']).toBe(resp['message_id']);
    expect((await again.request('enquire_link')).command_status).toBe(smpp.ESME_ROK);
  });

  it('POST /mo delivers a mobile-originated deliver_sm to the bound client', async () => {
    const none = await fx.app.inject({ method: 'POST', url: '/mo', payload: { from: '+963911000007', to: '1555', text: 'STOP' } });
    expect(none.statusCode).toBe(409);

    const c = await client();
    const res = await fx.app.inject({ method: 'POST', url: '/mo', payload: { from: '+963911000007', to: '1555', text: 'STOP' } });
    expect(res.statusCode).toBe(202);
    const mo = await c.nextDeliver();
    expect(mo['esm_class']).toBe(0);
    expect(mo['source_addr']).toBe('963911000007');
    expect(mo['source_addr_ton']).toBe(1);
    expect(mo['destination_addr']).toBe('1555');
    expect(mo['data_coding']).toBe(0);
    expect((mo['short_message'] as { message: string }).message).toBe('STOP');

    // An Arabic reply travels as UCS-2.
    await fx.app.inject({ method: 'POST', url: '/mo', payload: { from: '+963911000007', to: '1555', text: 'إيقاف' } });
    const arabic = await c.nextDeliver();
    expect(arabic['data_coding']).toBe(8);
    expect((arabic['short_message'] as { message: string }).message).toBe('إيقاف');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { settlementDateOf } from '@gateway/contracts';
import { startAdapterHarness } from './support/adapter-harness.ts';
import type { AdapterHarness } from './support/adapter-harness.ts';
import { startOperatorApp } from './support/operator-app.ts';
import type { OperatorApp } from './support/operator-app.ts';

let h: AdapterHarness;
let api: OperatorApp;

beforeAll(async () => {
  h = await startAdapterHarness();
  api = await startOperatorApp(h, 'bank-adapter-api');
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

type Channel = { channelId: string; state: string; available: boolean; forcedOff: { by: string } | null };

describe('operator API', () => {
  it('lists channels with their states, to operators only', async () => {
    const res = await api.send<{ channels: Channel[] }>('GET', '/v1/channels');
    expect(res.status).toBe(200);
    expect(res.body.channels.map((c) => c.channelId)).toEqual(['bank-alpha', 'wallet-one', 'wallet-two']);
    expect((await api.send('GET', '/v1/channels', 'portal')).status).toBe(403);
    expect((await api.send('GET', '/v1/channels', 'unsigned')).status).toBe(401);
  });

  it('forces a channel off (fail fast, no call), audited and announced, and back on', async () => {
    const off = await api.send<Channel>('POST', '/v1/channels/wallet-one/force-off', 'ops', { reason: 'maintenance window' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ state: 'forced_off', available: false, forcedOff: { by: `${api.operator}` } });
    await h.results.expectEvent((e) => e.type === 'channel.health-changed' && e.payload.channelId === 'wallet-one' && e.payload.state === 'forced_off');

    const debit = await h.requestDebit('wallet-one');
    const failed = await h.result(debit, 'channel.debit-failed');
    expect(failed.payload).toMatchObject({ reason: 'channel_unavailable', moneyMoved: false });
    expect(h.simulators['wallet-one'].state.findByReference(debit.payload.reference)).toBeUndefined();

    const on = await api.send<Channel>('POST', '/v1/channels/wallet-one/force-on');
    expect(on.body).toMatchObject({ state: 'closed', available: true, forcedOff: null });
    await h.results.expectEvent((e) => e.type === 'channel.health-changed' && e.payload.channelId === 'wallet-one' && e.payload.state === 'closed' && e.payload.previousState === 'forced_off');

    const { rows } = await h.db.pool.query<{ actor: string; action: string }>("SELECT actor, action FROM audit_log WHERE target = 'wallet-one' ORDER BY id");
    expect(rows).toEqual([
      { actor: `${api.operator}`, action: 'channel.force-off' },
      { actor: `${api.operator}`, action: 'channel.force-on' },
    ]);
    await expect(h.db.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    expect((await api.send('POST', '/v1/channels/wallet-one/force-off', 'portal', {})).status).toBe(403);
    expect((await api.send('POST', '/v1/channels/nope/force-off', 'ops', {})).status).toBe(404);
  });

  it('names the person an operator client acts for (signed x-operator-person) in the audit row and forcedOff.by', async () => {
    const person = { signed: { 'x-operator-person': 'alice' } };
    const off = await api.send<Channel>('POST', '/v1/channels/bank-alpha/force-off', 'ops', { reason: 'bank maintenance' }, person);
    expect(off.status).toBe(200);
    expect(off.body.forcedOff).toMatchObject({ by: `${api.operator}/alice` });
    const on = await api.send<Channel>('POST', '/v1/channels/bank-alpha/force-on', 'ops', { reason: 'bank back' }, person);
    expect(on.status).toBe(200);
    const { rows } = await h.db.pool.query<{ actor: string; action: string; reason: string }>("SELECT actor, action, detail->>'reason' AS reason FROM audit_log WHERE target = 'bank-alpha' ORDER BY id");
    expect(rows).toEqual([
      { actor: `${api.operator}/alice`, action: 'channel.force-off', reason: 'bank maintenance' },
      { actor: `${api.operator}/alice`, action: 'channel.force-on', reason: 'bank back' },
    ]);
    // The person is covered by the signature: swapped on the way, the request is refused and nothing changes.
    const swapped = await api.send('POST', '/v1/channels/bank-alpha/force-off', 'ops', { reason: 'x' }, { signed: { 'x-operator-person': 'alice' }, unsigned: { 'x-operator-person': 'mallory' } });
    expect(swapped.status).toBe(401);
    // Added without being signed: refused too.
    expect((await api.send('POST', '/v1/channels/bank-alpha/force-off', 'ops', { reason: 'x' }, { unsigned: { 'x-operator-person': 'mallory' } })).status).toBe(401);
    const after = await h.db.pool.query("SELECT 1 FROM audit_log WHERE target = 'bank-alpha'");
    expect(after.rowCount).toBe(2);
  });

  it('serves those audit rows to an operator client at GET /v1/audit-log (kit), newest first, with the person and the reason', async () => {
    const page = await api.send<{ entries: { actor: string; action: string; target: string; detail: { reason?: string } }[] }>(
      'GET',
      `/v1/audit-log?actor=${encodeURIComponent(`${api.operator}/alice`)}&limit=2`,
    );
    expect(page.status).toBe(200);
    expect(page.body.entries.map((e) => [e.actor, e.action, e.target, e.detail.reason])).toEqual([
      [`${api.operator}/alice`, 'channel.force-on', 'bank-alpha', 'bank back'],
      [`${api.operator}/alice`, 'channel.force-off', 'bank-alpha', 'bank maintenance'],
    ]);
    expect((await api.send('GET', '/v1/audit-log', 'portal')).status).toBe(403);
  });

  it('fetches a settlement file, stores it, and serves it', async () => {
    const debit = await h.requestDebit('bank-alpha');
    await h.result(debit, 'channel.debit-succeeded');
    // The bank files the debit under its settlement day, which follows its cut-off (not the calendar day).
    const { channel } = h.simulators['bank-alpha'].state;
    const date = settlementDateOf(new Date(), channel.settlementCutOff, channel.settlementTimeZone);
    const fetched = await api.send<{ rowCount: number; sha256: string }>('POST', `/v1/settlement-files/bank-alpha/${date}`);
    expect(fetched.status).toBe(201);
    expect(fetched.body.rowCount).toBeGreaterThanOrEqual(1);
    const stored = await api.send<{ content: string; sha256: string }>('GET', `/v1/settlement-files/bank-alpha/${date}`);
    expect(stored.status).toBe(200);
    expect(stored.body.sha256).toBe(fetched.body.sha256);
    expect(stored.body.content).toContain(debit.payload.reference);
    // The same statement again: nothing stored, nothing announced.
    const again = await api.send<{ changed: boolean; sha256: string }>('POST', `/v1/settlement-files/bank-alpha/${date}`);
    expect(again).toMatchObject({ status: 200, body: { changed: false, sha256: fetched.body.sha256 } });
    expect((await api.send('GET', '/v1/settlement-files/bank-alpha/2020-01-01')).status).toBe(404);
  });
});

// The pure parts, without HTTP: payers, the OTP state machine, fault decisions, the settlement day,
// and a property over random operation sequences: money is conserved and a deduping channel never
// debits one reference twice.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { money } from '@gateway/contracts';
import { readChannelsFile } from '../src/config.ts';
import { channelSchema } from '../src/domain/channel.ts';
import type { Channel } from '../src/domain/channel.ts';
import { awaitOtp, checkOtp, DEMO_OTP, receiveDebit } from '../src/domain/debit.ts';
import { applyControlUpdate, defaultControlSettings, latencyFor, moneyDecision, rolls } from '../src/domain/faults.ts';
import { parsePayer } from '../src/domain/payer.ts';
import { isCalendarDate, settlementDateOf } from '../src/domain/settlement.ts';
import { createChannelState } from '../src/store/channel-state.ts';

function channel(overrides: Record<string, unknown> = {}): Channel {
  const parsed = channelSchema.parse({ channelId: 'wallet-one', kind: 'wallet', port: 4002, apiKey: 'key-123456', dedupesByReference: true, currency: 'SYP', ...overrides });
  return { ...parsed, displayName: parsed.channelId };
}

describe('payer', () => {
  it('accepts +9639XXXXXXXX (and the national 09 form) for wallets, 10–16 digits for banks', () => {
    expect(parsePayer('wallet', { msisdn: '+963912345678' })).toEqual({ ok: true, key: '+963912345678' });
    expect(parsePayer('wallet', { msisdn: '0991234567' })).toEqual({ ok: true, key: '+963991234567' });
    expect(parsePayer('wallet', { msisdn: '+963212345678' }).ok).toBe(false);
    expect(parsePayer('wallet', { accountNo: '0123456789' }).ok).toBe(false);
    expect(parsePayer('bank', { accountNo: '0123456789' })).toEqual({ ok: true, key: '0123456789' });
    expect(parsePayer('bank', { accountNo: '0123456789012345' }).ok).toBe(true);
    expect(parsePayer('bank', { accountNo: '012345678' }).ok).toBe(false);
    expect(parsePayer('bank', { msisdn: '+963912345678' }).ok).toBe(false);
  });
});

describe('OTP state machine', () => {
  const now = new Date('2026-11-01T10:00:00Z');
  const pending = awaitOtp(
    receiveDebit({ debitId: 'd1', reference: 'r1', payer: '+963912345678', amount: money(100, 'SYP'), description: '' }, now),
    now,
    300_000,
    3,
  );

  it('accepts the demo OTP before expiry, counts wrong ones down, fails at zero and at expiry', () => {
    expect(checkOtp(pending, DEMO_OTP, now)).toEqual({ kind: 'accepted' });
    const once = checkOtp(pending, '000000', now);
    expect(once).toMatchObject({ kind: 'retry', debit: { otpAttemptsLeft: 2, status: 'otp_required' } });
    const last = checkOtp({ ...pending, otpAttemptsLeft: 1 }, '000000', now);
    expect(last).toMatchObject({ kind: 'final', debit: { status: 'failed', code: 'otp_attempts_exceeded', otpAttemptsLeft: 0 } });
    expect(checkOtp(pending, DEMO_OTP, new Date(now.getTime() + 300_000))).toMatchObject({ kind: 'final', debit: { code: 'expired' } });
    expect(checkOtp(pending, DEMO_OTP, new Date(now.getTime() + 299_999))).toEqual({ kind: 'accepted' });
  });
});

describe('fault decisions', () => {
  it('rolls: 0 never, 1 always, otherwise by the random source', () => {
    expect(rolls(0, () => 0)).toBe(false);
    expect(rolls(1, () => 0.999999)).toBe(true);
    expect(rolls(0.3, () => 0.29)).toBe(true);
    expect(rolls(0.3, () => 0.3)).toBe(false);
  });

  it('latency is fixed or uniform within [min, max]', () => {
    expect(latencyFor(applyControlUpdate(defaultControlSettings, { latencyMs: 40 }), () => 0.7)).toBe(40);
    const ranged = applyControlUpdate(defaultControlSettings, { latencyMs: { min: 10, max: 20 } });
    expect(latencyFor(ranged, () => 0)).toBe(10);
    expect(latencyFor(ranged, () => 0.999999)).toBe(20);
  });

  it('decline wins over insufficient funds; neither means proceed', () => {
    expect(moneyDecision(defaultControlSettings, () => 0)).toBe('proceed');
    expect(moneyDecision(applyControlUpdate(defaultControlSettings, { declineRate: 1, insufficientFundsRate: 1 }), () => 0)).toBe('declined');
    expect(moneyDecision(applyControlUpdate(defaultControlSettings, { insufficientFundsRate: 1 }), () => 0)).toBe('insufficient_funds');
  });
});

describe('settlement day', () => {
  it("is the date in Asia/Damascus (UTC+3), the next one from the channel's cut-off on", () => {
    const at2300 = { cutOff: '23:00', timeZone: 'Asia/Damascus' };
    expect(settlementDateOf('2026-11-01T19:59:59Z', at2300)).toBe('2026-11-01');
    expect(settlementDateOf('2026-11-01T20:00:00Z', at2300)).toBe('2026-11-02');
    expect(settlementDateOf('2026-11-01T21:00:00Z', at2300)).toBe('2026-11-02');
    expect(settlementDateOf('2026-11-01T18:59:59Z', { cutOff: '22:00', timeZone: 'Asia/Damascus' })).toBe('2026-11-01');
    expect(settlementDateOf('2026-11-01T19:00:00Z', { cutOff: '22:00', timeZone: 'Asia/Damascus' })).toBe('2026-11-02');
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
  });

  it("each shipped channel closes its day at the gateway's cut-off for it (payment orchestration's channels.json)", () => {
    // Two files because the bank and the gateway are two parties; this keeps them from drifting apart.
    const simulated = readChannelsFile(fileURLToPath(new URL('../config/channels.json', import.meta.url)));
    const gateway = JSON.parse(readFileSync(new URL('../../../services/payment-orchestration/config/channels.json', import.meta.url), 'utf8')) as {
      timezone: string;
      defaultCutOff: string;
      channels: { channelId: string; cutOff?: string }[];
    };
    const gatewayDay = (channelId: string) => ({
      cutOff: gateway.channels.find((c) => c.channelId === channelId)?.cutOff ?? gateway.defaultCutOff,
      timeZone: gateway.timezone,
    });
    expect(simulated.map((c) => [c.channelId, { cutOff: c.settlementCutOff, timeZone: c.settlementTimeZone }])).toEqual(
      simulated.map((c) => [c.channelId, gatewayDay(c.channelId)]),
    );
  });
});

describe('channel state (property)', () => {
  const payers = ['+963912345678', '+963912345679', '+963930000001'];
  const op = fc.oneof(
    fc.record({ kind: fc.constant('debit' as const), ref: fc.integer({ min: 0, max: 5 }), payer: fc.integer({ min: 0, max: 2 }), amount: fc.integer({ min: 1, max: 400 }) }),
    fc.record({ kind: fc.constant('confirm' as const), ref: fc.integer({ min: 0, max: 5 }), right: fc.boolean() }),
    fc.record({ kind: fc.constant('reverse' as const), ref: fc.integer({ min: 0, max: 5 }) }),
  );

  for (const dedupesByReference of [true, false]) {
    it(`conserves money and ${dedupesByReference ? 'never debits a reference twice' : 'debits each request'} (dedupesByReference ${dedupesByReference})`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
          const state = createChannelState(channel({ dedupesByReference, demoBalance: 1_000, accounts: [{ payer: '+963930000001', balance: 300 }] }), { random: () => 0.5 });
          const opening = payers.reduce((sum, p) => sum + state.balanceOf(p), 0);
          for (const o of ops) {
            const reference = `r${o.ref}`;
            if (o.kind === 'debit') {
              state.submitDebit({ reference, payer: { msisdn: payers[o.payer] }, amount: money(o.amount, 'SYP'), description: '' });
            } else {
              const debit = state.findByReference(reference);
              if (debit === undefined) continue;
              if (o.kind === 'confirm') state.confirmDebit(debit.debitId, o.right ? DEMO_OTP : '000000');
              else state.reverseDebit(debit.debitId, 'test');
            }
          }
          const moved = state.transactions().filter((t) => t.status === 'succeeded').reduce((sum, t) => sum + t.amount.amount, 0);
          const closing = payers.reduce((sum, p) => sum + state.balanceOf(p), 0);
          expect(closing + moved).toBe(opening);
          for (const p of payers) expect(state.balanceOf(p)).toBeGreaterThanOrEqual(0);
          if (dedupesByReference) {
            const refs = state.transactions().map((t) => t.reference);
            expect(new Set(refs).size).toBe(refs.length);
          }
        }),
      );
    });
  }
});

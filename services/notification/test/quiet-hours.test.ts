import { describe, expect, it } from '@jest/globals';
import { smsTemplates } from '@gateway/contracts';
import { isUrgent, parseQuietHours, sendableAt } from '../src/domain/quiet-hours.ts';

// Asia/Damascus is UTC+3 all year since 2022: 22:00 local is 19:00Z, 08:00 local is 05:00Z.
const at = (iso: string) => new Date(iso);
const quiet = parseQuietHours('22:00-08:00');

describe('quiet hours', () => {
  it('parses HH:MM-HH:MM and "off", and refuses anything else', () => {
    expect(quiet).toEqual({ start: '22:00', end: '08:00' });
    expect(parseQuietHours('off')).toBeNull();
    expect(parseQuietHours('')).toBeNull();
    for (const bad of ['22-08', '22:00', '25:00-08:00', '22:00-22:00', '22:00-08:00-09:00', '10:60-11:00']) {
      expect(() => parseQuietHours(bad)).toThrow(RangeError);
    }
  });

  it('lets a message go at once outside the window', () => {
    expect(sendableAt(at('2026-11-29T12:00:00Z'), quiet)).toEqual(at('2026-11-29T12:00:00Z')); // 15:00 local
    expect(sendableAt(at('2026-11-29T18:59:59Z'), quiet)).toEqual(at('2026-11-29T18:59:59Z')); // 21:59:59 local
    expect(sendableAt(at('2026-11-29T05:00:00Z'), quiet)).toEqual(at('2026-11-29T05:00:00Z')); // 08:00 local: over
  });

  it('defers a message inside a window that wraps midnight to the end of that same night', () => {
    expect(sendableAt(at('2026-11-29T19:00:00Z'), quiet)).toEqual(at('2026-11-30T05:00:00Z')); // 22:00 → next 08:00
    expect(sendableAt(at('2026-11-29T22:30:00Z'), quiet)).toEqual(at('2026-11-30T05:00:00Z')); // 01:30 local, next day
    expect(sendableAt(at('2026-11-30T04:59:00Z'), quiet)).toEqual(at('2026-11-30T05:00:00Z')); // 07:59 local
  });

  it('handles a window within one day', () => {
    const lunch = parseQuietHours('13:00-14:00');
    expect(sendableAt(at('2026-11-29T10:30:00Z'), lunch)).toEqual(at('2026-11-29T11:00:00Z')); // 13:30 → 14:00
    expect(sendableAt(at('2026-11-29T11:00:00Z'), lunch)).toEqual(at('2026-11-29T11:00:00Z'));
  });

  it('never defers anything when there are no quiet hours', () => {
    expect(sendableAt(at('2026-11-29T22:30:00Z'), null)).toEqual(at('2026-11-29T22:30:00Z'));
  });

  it('treats receipts, money-in-flight warnings and complaint answers as urgent, and notices and campaigns as not', () => {
    const urgent = smsTemplates.filter((t) => isUrgent(t));
    expect(urgent.sort()).toEqual([
      'bill_settled',
      'complaint_logged',
      'complaint_rejected',
      'complaint_resolved',
      'intent_refunded',
      'intent_unknown',
      'opt_out_confirmation',
      'payment_receipt',
      'payment_reversed',
    ]);
  });
});
